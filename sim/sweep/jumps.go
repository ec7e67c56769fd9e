package sweep

import (
	"sgdbias/sim"
	"sgdbias/sim/theory"
)

// jumpTrace keeps a run's loss at every check of runJob, for the
// jump_error metric (theory.md §9). It is inactive (nil) when there is no
// staircase to compare with: α ≥ 1 or no schedule.
type jumpTrace struct {
	schedule      *theory.Schedule
	alpha         float64
	times, losses []float64
}

func newJumpTrace(sc *theory.Schedule, alpha float64, s *sim.Sampler, m sim.Method) *jumpTrace {
	if sc == nil || !(alpha < 1) {
		return nil
	}
	jt := &jumpTrace{schedule: sc, alpha: alpha}
	jt.record(m.State().Time, s.Loss(m))
	return jt
}

// record keeps the training loss at time t (a no-op when inactive).
func (jt *jumpTrace) record(t, loss float64) {
	if jt == nil {
		return
	}
	jt.times = append(jt.times, t)
	jt.losses = append(jt.losses, loss)
}

// jumpError is the metric's value, nil when there is none.
func (jt *jumpTrace) jumpError(end float64) *float64 {
	if jt == nil {
		return nil
	}
	if e, ok := jt.schedule.JumpError(jt.times, jt.losses, jt.alpha, end); ok {
		return ptr(e)
	}
	return nil
}
