package live

import (
	"sgdbias/sim"
	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// Label-noise SGD never settles: its iterates hover around the Lasso
// solution with λ_j = γδH_jj/(2n) (theory.md §6), which the
// runner solves as a reference, and the time average of the iterate is
// what comes near it.

// timeAverage is the running time average of a run's iterate over a window
// of the recent past: it starts again whenever the time doubles, so that
// the window [a₀, t] keeps a₀ between t/4 and t/2 — the start, far from the
// Lasso, is forgotten. Two accumulators overlap so the window never
// shrinks to a moment.
type timeAverage struct {
	a, b           []float64 // Σ β·Δt over [aStart, t] and [bStart, t]
	aStart, bStart float64
	aDur, bDur     float64
	bOn            bool
	last           float64 // time of the last sample
	started        bool
}

func newTimeAverage(d int) *timeAverage {
	return &timeAverage{a: make([]float64, d), b: make([]float64, d)}
}

// add accumulates the iterate beta held since the last sample up to t.
func (w *timeAverage) add(beta []float64, t float64) {
	if !w.started {
		w.started, w.last, w.aStart = true, t, t
		return
	}
	dt := t - w.last
	if !(dt > 0) {
		return
	}
	w.last = t
	for j, x := range beta {
		w.a[j] += x * dt
	}
	w.aDur += dt
	if w.bOn {
		for j, x := range beta {
			w.b[j] += x * dt
		}
		w.bDur += dt
	}
	switch {
	case !w.bOn && t >= 2*w.aStart:
		w.bOn, w.bStart, w.bDur = true, t, 0
		clear(w.b)
	case w.bOn && t >= 2*w.bStart && w.bDur > 0:
		w.a, w.b = w.b, w.a
		w.aStart, w.aDur = w.bStart, w.bDur
		w.bStart, w.bDur = t, 0
		clear(w.b)
	}
}

// IterateAverage is a run's time-averaged iterate (label-noise SGD).
type IterateAverage struct {
	Since        float64 // the window's start time (it ends at the run's time)
	L1           float64
	TestError    float64
	HasTestError bool
	Top          []float64 // on the snapshot's Coords
}

// publishAverage summarises a track's average for a snapshot; nil before
// any time has passed.
func (l *loop) publishAverage(t *track, coords []int) *IterateAverage {
	w := t.avg
	if w == nil || !(w.aDur > 0) {
		return nil
	}
	mean := make([]float64, len(w.a))
	for j, s := range w.a {
		mean[j] = s / w.aDur
	}
	out := &IterateAverage{Since: w.aStart, L1: l1(mean), Top: pick(mean, coords)}
	out.TestError, out.HasTestError = l.exp.prob.TestError(mean)
	return out
}

// lassoWeights are the Lasso's penalties λ_j = γδH_jj/(2n) for label-noise
// SGD at step γ and label-noise variance δ; nil when no run has label noise.
func (l *loop) lassoWeights() []float64 {
	p := l.exp.params
	if p.LabelNoise <= 0 || !l.hasLabelNoiseRun() {
		return nil
	}
	prob := l.exp.prob
	lambda := make([]float64, prob.D)
	hDiag := prob.HDiag()
	for j := range lambda {
		lambda[j] = p.Step * p.LabelNoise * hDiag[j] / (2 * float64(prob.N))
	}
	return lambda
}

func (l *loop) hasLabelNoiseRun() bool {
	for _, t := range l.exp.tracks {
		if t.algo.Base() == sim.LNSGD {
			return true
		}
	}
	return false
}

// solveLasso adds the Lasso solution for weights lambda to refs.
func solveLasso(refs *References, prob *problem.Problem, lambda []float64) []float64 {
	beta, err := theory.Lasso(prob.N, prob.D, prob.X, prob.Y, lambda, 1e-10)
	if err != nil {
		if refs.Err == "" {
			refs.Err = "Lasso: " + err.Error()
		}
		return nil
	}
	refs.LassoL1, refs.HasLasso = l1(beta), true
	refs.LassoTestError, _ = prob.TestError(beta)
	return beta
}
