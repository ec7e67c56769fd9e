package sim

import (
	"context"
	"errors"
	"fmt"
)

// Outcome says why Advance returned.
type Outcome int

const (
	// Reached: the method's time is at the target (a fixed-step method to
	// within half of its own step, as Method.AdvanceTo).
	Reached Outcome = iota
	// StepCapped: the step cap was used up before the target.
	StepCapped
	// Diverged: the run diverged, in this call or before it (§5);
	// Advanced.Divergence says where.
	Diverged
	// Cancelled: the context ended before the call stepped; Advanced.Err is
	// the context's error.
	Cancelled
	// Failed: the method stopped with an error that is not a divergence
	// (GF's step size underflowed, say); Advanced.Err is that error.
	Failed
)

func (o Outcome) String() string {
	switch o {
	case Reached:
		return "reached"
	case StepCapped:
		return "step cap"
	case Diverged:
		return "diverged"
	case Cancelled:
		return "cancelled"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Advanced reports one call of Advance.
type Advanced struct {
	Outcome Outcome
	// Steps is the number of steps this call took.
	Steps int64
	// Divergence is set with Diverged: where the run left the finite range,
	// labelled with the method's own Algo (a variant's label, not its base).
	Divergence *DivergenceError
	// Err is set with Cancelled and Failed.
	Err error
}

// Advance moves m towards time target taking at most maxSteps steps
// (maxSteps ≤ 0: no cap), the one piece of stepping every driver is built
// from: a headless run, a sweep job, the explorer's clock, catch-up and
// replay, and the default-speed calibration. A driver calls it in a loop,
// one bounded chunk per call, and does its own work between chunks (a loss
// check, a sample, a budget slot); ctx (nil: none) is looked at once, before
// stepping, so a chunk's cap also bounds how late a cancellation is seen.
//
// A fixed-step method (GD, SGD, SGF, label-noise SGD, heavy ball) takes
// exactly min(maxSteps, the steps due) steps; GF's adaptive steps are
// counted by its integrator, since its step length is set by the flow and
// not by γ.
func Advance(ctx context.Context, m Method, target float64, maxSteps int64) Advanced {
	if div := m.Err(); div != nil {
		return divergedAt(m, div, 0)
	}
	if ctx != nil {
		if err := ctx.Err(); err != nil {
			return Advanced{Outcome: Cancelled, Err: err}
		}
	}
	before := m.State().Steps
	reached, err := advanceCapped(m, target, maxSteps)
	taken := m.State().Steps - before
	var div *DivergenceError
	switch {
	case errors.As(err, &div):
		return divergedAt(m, div, taken)
	case err != nil:
		return Advanced{Outcome: Failed, Steps: taken, Err: err}
	case !reached:
		return Advanced{Outcome: StepCapped, Steps: taken}
	}
	return Advanced{Outcome: Reached, Steps: taken}
}

func divergedAt(m Method, div *DivergenceError, taken int64) Advanced {
	labelled := *div
	labelled.Algo = m.Algo()
	return Advanced{Outcome: Diverged, Steps: taken, Divergence: &labelled}
}

// boundedAdvancer is a method whose work per unit of time is not set by γ
// (GF, or a variant of it): it bounds its own steps.
type boundedAdvancer interface {
	AdvanceWithin(t float64, maxSteps int64) (bool, error)
}

// boundedOf returns m's own bounded advance, looking through a variant.
func boundedOf(m Method) (boundedAdvancer, bool) {
	if p, ok := m.(*pinnedMethod); ok {
		m = p.Method // the pins only change SetParams
	}
	b, ok := m.(boundedAdvancer)
	return b, ok
}

// advanceCapped advances m towards t by at most maxSteps steps and reports
// whether it got there.
func advanceCapped(m Method, t float64, maxSteps int64) (bool, error) {
	if b, ok := boundedOf(m); ok {
		if maxSteps <= 0 {
			return true, m.AdvanceTo(t)
		}
		return b.AdvanceWithin(t, maxSteps)
	}
	dt := TimePerStep(m.Algo(), m.Params())
	stop := t
	if maxSteps > 0 {
		// AdvanceTo stops at the first step within dt/2 of its target, so a
		// target maxSteps·dt ahead takes exactly maxSteps steps.
		stop = min(t, m.State().Time+float64(maxSteps)*dt)
	}
	if err := m.AdvanceTo(stop); err != nil {
		return false, err
	}
	return m.State().Time >= t-0.5*dt, nil
}
