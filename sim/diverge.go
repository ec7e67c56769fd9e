package sim

import (
	"fmt"
	"math"
)

// DivergenceError stops a run that cannot go on: its iterates left the
// finite range, ‖β‖ passed 1e8, or one step moved a weight by a factor
// beyond e^maxLogMove (§5); or, with Collapsed set, its weights underflowed
// to w₊ = w₋ = 0 in every coordinate, an absorbing state in which β ≡ 0 is
// no result. It carries where it happened and, when it could be estimated,
// the stable step.
type DivergenceError struct {
	Algo     Algo
	Step     int64   // the step at which divergence was detected
	Time     float64 // the time of that step
	LastLoss float64 // the last finite training loss
	Gamma    float64 // the step size in force
	// Collapsed marks the underflow of every weight to zero rather than a
	// blow-up; Status reports it as StatusCollapsed.
	Collapsed bool
	// Cause says what was detected, in words, when it is not the plain
	// ‖β‖ or non-finite check.
	Cause string
	Noise float64 // the SGF noise scale in force
	// StableStep is an estimate of the largest stable step (2/sharpness, see
	// StableStep), 0 when unknown or when the method has no step (GF).
	StableStep float64
	// StableNoise, for SGF, estimates a noise scale that trains (see
	// Hints), 0 when unknown.
	StableNoise float64
	// StableStepAtInit says the estimates come from the sharpness at
	// initialisation alone, without the GF limit (not solved): rougher,
	// and not a bound either way.
	StableStepAtInit bool
}

// Status is StatusCollapsed or StatusDiverged.
func (e *DivergenceError) Status() Status {
	if e.Collapsed {
		return StatusCollapsed
	}
	return StatusDiverged
}

func (e *DivergenceError) Error() string {
	if e.Step == 0 && e.LastLoss == 0 && !e.Collapsed {
		return fmt.Sprintf("%s: the training loss is not finite at the start; the data are too large to train on (rescale X or y)", e.Algo)
	}
	what := "diverged"
	if e.Collapsed {
		what = "collapsed"
	}
	msg := fmt.Sprintf("%s %s at step %d (t = %.4g)", e.Algo, what, e.Step, e.Time)
	if e.Algo.Base() != GF {
		msg += fmt.Sprintf(" with γ = %.3g", e.Gamma)
	}
	if e.Cause != "" {
		msg += ": " + e.Cause
	}
	msg += fmt.Sprintf("; last finite training loss %.4g", e.LastLoss)
	return msg + e.Hint()
}

// Hint is what to try, from the estimates, or "" when there is none: GF
// has no step, and for SGF with a time step below the stable one the noise
// is the likely cause.
func (e *DivergenceError) Hint() string {
	switch {
	case e.Algo.Base() == GF:
		return "; GF has no step to reduce: the data are too large for float64 at this α (rescale X or y)"
	case e.StableNoise > 0 && e.StableNoise < e.Noise && (e.StableStep == 0 || e.Gamma < e.StableStep):
		how := "estimated as SGD's stable step at batch 1"
		if e.StableStepAtInit {
			how += ", at initialisation only"
		}
		return fmt.Sprintf("; likely cause: noise %.3g too large; noise ≈ %.3g should train (%s)", e.Noise, e.StableNoise, how)
	case e.StableStep > 0 && e.StableStep < e.Gamma: // above γ the estimate would say nothing
		if e.StableStepAtInit {
			return fmt.Sprintf("; stable γ ≈ %.3g by 2/sharpness at initialisation (a rough estimate: the GF limit was not solved)", e.StableStep)
		}
		return fmt.Sprintf("; stable γ ≈ %.3g by 2/sharpness (an estimate; larger γ may still train)", e.StableStep)
	}
	return ""
}

// fail records a divergence of the method at its current step.
func (c *core) fail(a Algo) error {
	return c.stop(a, false, "")
}

// stop records the end of a run that cannot continue: a divergence, or a
// collapse of the weights to zero, with a cause in words.
func (c *core) stop(a Algo, collapsed bool, cause string) error {
	if c.err == nil {
		c.err = &DivergenceError{
			Algo: a, Step: c.state.Steps, Time: c.state.Time,
			LastLoss: c.lastLoss, Gamma: c.params.Step, Noise: c.params.Noise, Collapsed: collapsed, Cause: cause,
		}
	}
	return c.err
}

// collapseCause is the collapse's cause in words.
const collapseCause = "w₊ and w₋ underflowed to 0 in every coordinate, so β ≡ 0 from here on (the noise or the step is too large for this α)"

// noteLoss records a training loss if it is finite and reports whether it was.
func (c *core) noteLoss(loss float64) bool {
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return false
	}
	c.lastLoss = loss
	return true
}

// weightsUnderflowed reports whether w₊² and w₋² are 0 in every coordinate:
// multiplicative updates cannot leave that state, and β ≡ 0 there. Only
// called when ‖β‖² is already 0, so it costs nothing on ordinary steps.
func (c *core) weightsUnderflowed(wp, wm []float64) bool {
	if c.zeroInterpolates {
		return false // β = 0 is the answer: nothing collapsed
	}
	for j := range wp {
		if wp[j]*wp[j] != 0 || wm[j]*wm[j] != 0 {
			return false
		}
	}
	return true
}
