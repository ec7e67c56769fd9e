package sweep

import (
	"math"

	"sgdbias/sim"
)

// gfGradientsPerStep is how many full gradients GF's integrator evaluates
// per γ of continuous time on the paper's problem (measured: about 7 times
// the work of GD over the same horizon); stiffer problems (large α) need
// more.
const gfGradientsPerStep = 7

// Estimate bounds the work of a shard before it runs.
type Estimate struct {
	// Jobs is the number of jobs to run.
	Jobs int
	// Steps is the number of steps if every job ran to its horizon: an
	// upper bound, since runs stop once their loss is ≤ tol (and GF's
	// adaptive steps are fewer).
	Steps float64
	// MultiplyAdds counts the multiply-adds of those steps: 2·n·d for a
	// full-batch gradient (Xβ, then Xᵀr), 2·b·d for a batch of b rows, plus
	// the O(d) update. GF, integrated by an adaptive Runge–Kutta method,
	// is counted as gfGradientsPerStep gradients per γ of time.
	MultiplyAdds float64
}

// Estimate bounds the work of the jobs of shard s that are not in done.
func (c Config) Estimate(s Shard, done map[int]bool) Estimate {
	n, d := float64(c.Problem.N), float64(c.Problem.D)
	var e Estimate
	for _, i := range s.Jobs(c.Jobs()) {
		if done[i] {
			continue
		}
		job := c.Job(i)
		pt := c.Grid.Point(job.Point)
		steps := math.Ceil(c.Horizon.End(pt.Step) / pt.Step)
		perStep := 2*n*d + 4*d
		switch job.Algo.Base() {
		case sim.GF:
			perStep *= gfGradientsPerStep
		case sim.SGD, sim.LNSGD:
			perStep = 2*float64(pt.Batch)*d + 4*d
		}
		e.Jobs++
		e.Steps += steps
		e.MultiplyAdds += steps * perStep
	}
	return e
}
