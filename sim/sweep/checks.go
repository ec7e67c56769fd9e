package sweep

import (
	"context"
	"math"

	"sgdbias/sim"
)

// Loss checks: a run looks at its training loss at least every 1% of the
// steps it has taken and at most every maxCheckSteps steps (GF after each
// of its own steps, see ownSteps), so the steps to converge are exact to
// within 1% at a cost of a few hundred loss evaluations per run.
const (
	checkFraction = 0.01
	maxCheckSteps = 1024
)

// jobRun is one job's run between its start and its end: the method, the
// loss checks and what they keep.
type jobRun struct {
	ctx      context.Context
	m        sim.Method
	s        *sim.Sampler
	jumps    *jumpTrace
	end, tol float64
	gamma    float64 // γ: the checks are spaced in steps of it
	progress func(float64)
}

// gfOwnSteps lets GF take its own steps between checks (ownSteps); a
// variable only so that tests can compare with GF checked in chunks.
var gfOwnSteps = true

// toEnd advances the run to its horizon or to its first check with a loss
// ≤ tol (rec.Converged then). final reports a record that is complete
// without a measurement at the end (a divergence or a failure); err is set
// only when the context was cancelled.
func (r *jobRun) toEnd(rec *Record) (final bool, err error) {
	if r.m.Algo().Base() == sim.GF && gfOwnSteps {
		done, final, err := r.ownSteps(rec)
		if done || final || err != nil {
			return final, err
		}
	}
	return r.checks(rec)
}

// nextCheck is the time of the next check from the current one: gap steps
// of γ ahead (GF's steps are longer, and it is checked as often as the
// others), gap being 1% of the steps of γ so far within [1, maxCheckSteps].
// For GF, which has no steps of γ, "the steps so far" are its time over γ:
// its own step count depends on its tolerance.
func (r *jobRun) nextCheck() (next float64, gap int64) {
	st := r.m.State()
	steps := float64(st.Steps)
	if r.m.Algo().Base() == sim.GF {
		steps = st.Time / r.gamma
	}
	g := math.Max(1, math.Min(maxCheckSteps, math.Floor(checkFraction*steps)))
	return math.Min(r.end, st.Time+g*sim.TimePerStep(r.m.Algo(), r.m.Params())), int64(g)
}

// checks advances the run chunk by chunk, a loss check at the end of each.
func (r *jobRun) checks(rec *Record) (final bool, err error) {
	for {
		next, gap := r.nextCheck()
		adv := sim.Advance(r.ctx, r.m, next, gap)
		if final, err := settle(rec, adv); final || err != nil {
			return final, err
		}
		if r.check(rec, r.loss()) || (adv.Outcome == sim.Reached && next == r.end) {
			return false, nil
		}
	}
}

// ownSteps advances GF by the steps of its own integrator and checks the loss
// after each, so that the checks do not cut its steps. Where accuracy sets
// them they are shorter than the checks' spacing, but on the plateaus and
// the final decay they are longer: the one step that first takes the loss
// to tol may then end beyond where the next check would have been. That
// step is taken again from its start (a Marker's mark), in chunks (checks),
// so that the time to converge keeps the checks' 1% resolution. done
// reports the end of the run, at the horizon or converged.
func (r *jobRun) ownSteps(rec *Record) (done, final bool, err error) {
	mk, ok := sim.MarkerOf(r.m)
	if !ok {
		return false, false, nil
	}
	for {
		limit, _ := r.nextCheck()
		mk.Mark()
		adv := sim.Advance(r.ctx, r.m, r.end, 1)
		if final, err := settle(rec, adv); final || err != nil {
			return true, final, err
		}
		loss := r.loss()
		if r.tol > 0 && loss <= r.tol && r.m.State().Time > limit {
			mk.Rewind()
			return false, false, nil
		}
		if r.check(rec, loss) || adv.Outcome == sim.Reached {
			return true, false, nil
		}
	}
}

// loss is the training loss at the current point when a check reads it:
// for the jump trace or the tolerance (one residual serves both: a loss is
// a pass over X); 0 when neither does.
func (r *jobRun) loss() float64 {
	if r.jumps != nil || r.tol > 0 {
		return r.s.Loss(r.m)
	}
	return 0
}

// check records the loss at the current point, reports progress, and
// reports whether the run converged.
func (r *jobRun) check(rec *Record, loss float64) bool {
	t := r.m.State().Time
	r.progress(t / r.end)
	r.jumps.record(t, loss)
	if r.tol > 0 && loss <= r.tol {
		rec.Converged, rec.Status = true, sim.StatusConverged
		return true
	}
	return false
}

// settle writes into rec how a chunk that did not reach its end stopped:
// final for a divergence or a failure, err for a cancellation.
func settle(rec *Record, adv sim.Advanced) (final bool, err error) {
	switch adv.Outcome {
	case sim.Cancelled:
		return false, adv.Err
	case sim.Diverged:
		rec.Status, rec.Divergence = adv.Divergence.Status(), adv.Divergence.Error()
		rec.Diverged = rec.Status == sim.StatusDiverged
		rec.Steps, rec.Time = adv.Divergence.Step, adv.Divergence.Time
		return true, nil
	case sim.Failed:
		rec.Status, rec.Error = sim.StatusFailed, adv.Err.Error()
		return true, nil
	}
	return false, nil
}
