package sim

import (
	"testing"

	"sgdbias/sim/problem"
)

// NewGDForBenchmark returns GD on p with its step split over two cores or
// not, whatever the size threshold says.
func NewGDForBenchmark(tb testing.TB, p *problem.Problem, split bool) Method {
	m, err := NewGD(p, UniformInit(0.1, p.D), Params{Step: 1e-4, Batch: 1})
	if err != nil {
		tb.Fatal(err)
	}
	gd := m.(*gdMethod)
	gd.split = nil
	if split {
		gd.split = newGDSplit(gd)
	}
	return gd
}
