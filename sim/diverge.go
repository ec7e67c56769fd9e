package sim

import (
	"fmt"
	"math"
)

// DivergenceError stops a run whose iterates left the finite range or whose
// ‖β‖ passed 1e8 (§5). It carries where it happened and, when it could be
// estimated, a step size that would have been stable.
type DivergenceError struct {
	Algo     Algo
	Step     int64   // the step at which divergence was detected
	Time     float64 // the time of that step
	LastLoss float64 // the last finite training loss
	Gamma    float64 // the step size in force
	// StableStep is an estimate of the largest stable step (2/sharpness), 0
	// when unknown; see Experiment.StableStepHint.
	StableStep float64
}

func (e *DivergenceError) Error() string {
	if e.Step == 0 && e.LastLoss == 0 {
		return fmt.Sprintf("%s: the training loss is not finite at the start; the data are too large to train on (rescale X or y)", e.Algo)
	}
	msg := fmt.Sprintf("%s diverged at step %d (t = %.4g) with γ = %.3g; last finite training loss %.4g",
		e.Algo, e.Step, e.Time, e.Gamma, e.LastLoss)
	if e.StableStep > 0 {
		msg += fmt.Sprintf("; try γ ≤ %.3g", e.StableStep)
	}
	return msg
}

// fail records a divergence of the method at its current step.
func (c *core) fail(a Algo) error {
	if c.err == nil {
		c.err = &DivergenceError{
			Algo: a, Step: c.state.Steps, Time: c.state.Time,
			LastLoss: c.lastLoss, Gamma: c.params.Step,
		}
	}
	return c.err
}

// noteLoss records a training loss if it is finite and reports whether it was.
func (c *core) noteLoss(loss float64) bool {
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return false
	}
	c.lastLoss = loss
	return true
}
