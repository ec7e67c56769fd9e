package sim

import (
	"context"

	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// GFJumpTimes runs gradient flow from the uniform initialisation α < 1 past
// the predicted time of jump jumps+1 of sc (or to 3 times the last jump's),
// records the training loss at every accepted adaptive step, and returns the
// measured times of the first jumps (theory.Schedule.MeasureJumps, §9). It
// checks ctx every few hundred steps.
func GFJumpTimes(ctx context.Context, p *problem.Problem, sc theory.Schedule, alpha float64, jumps int) ([]float64, error) {
	if sc.Jumps() == 0 || !(alpha < 1) {
		return nil, nil
	}
	k := min(jumps+1, sc.Jumps())
	end := 1.1 * sc.JumpTime(k, alpha)
	if k == sc.Jumps() {
		end = 3 * sc.JumpTime(k, alpha)
	}
	in := UniformInit(alpha, p.D)
	m, err := NewGF(p, in, Params{Step: 1, Batch: 1}, DefaultGFTolerance)
	if err != nil {
		return nil, err
	}
	s := NewSampler(p, in)
	var times, losses []float64
	for i := 0; m.State().Time < end; i++ {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		times, losses = append(times, m.State().Time), append(losses, s.Loss(m))
		if err := m.Step(); err != nil {
			return nil, err
		}
	}
	times, losses = append(times, m.State().Time), append(losses, s.Loss(m))
	measured := sc.MeasureJumps(times, losses)
	return measured[:min(jumps, len(measured))], nil
}
