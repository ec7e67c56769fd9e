package sim_test

import (
	"math"
	"testing"

	"sgdbias/internal/simtest"
	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// sparseProblem is the shared fixture: y = Xβ* with Gaussian x_i and
// β* = ±1 on the first s coordinates, drawn independently of the problem
// package's generator.
func sparseProblem(t testing.TB, n, d, s int, seed uint64) *problem.Problem {
	t.Helper()
	return simtest.SparseProblem(n, d, s, seed)
}

func newMethod(t testing.TB, a sim.Algo, p *problem.Problem, alpha, step float64, seed uint64) sim.Method {
	t.Helper()
	m, err := sim.NewMethod(a, p, sim.Config{
		Init:   sim.UniformInit(alpha, p.D),
		Params: sim.Params{Step: step, Noise: step, Batch: 1},
		Seed:   seed,
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func relDist(a, b []float64) float64 { return sim.RelativeDistance(a, b) }

func residualNorm(p *problem.Problem, beta []float64) float64 {
	var s float64
	for i := 0; i < p.N; i++ {
		r := -p.Y[i]
		for j, x := range p.Row(i) {
			r += x * beta[j]
		}
		s += r * r
	}
	return math.Sqrt(s)
}

func effectiveAlpha(m sim.Method) []float64 {
	la := make([]float64, len(m.State().Beta))
	m.LogEffectiveInit(la)
	for j := range la {
		la[j] = math.Exp(la[j])
	}
	return la
}

func mustAdvance(t testing.TB, m sim.Method, time float64) {
	t.Helper()
	if err := m.AdvanceTo(time); err != nil {
		t.Fatalf("%s: %v", m.Algo(), err)
	}
}

// lossOf is L(β) = ‖Xβ − y‖²/(4n), computed independently of the engine.
func lossOf(p *problem.Problem, beta []float64) float64 {
	r := residualNorm(p, beta)
	return r * r / (4 * float64(p.N))
}
