package theory_test

import (
	"context"
	"math"
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// staircaseProblem is theory.md §9's example drawn by the project's own
// generator: n = 10, d = 30, Gaussian features, β* = (4, −2, 1, 0.5, 0, …).
func staircaseProblem(t testing.TB) *problem.Problem {
	t.Helper()
	p, err := problem.Generate(problem.Spec{
		N: 10, D: 30, Beta: problem.BetaSpec{Kind: "list", Values: []float64{4, -2, 1, 0.5}},
		Features: problem.FeatureSpec{Kind: "iso"}, Seed: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGFJumpTimesApproachSchedule is theory.md §9 check (b): GF's measured
// jump times divided by ln(1/α) approach τ_k as α goes from 1e-4 to 1e-32,
// the error of each of the first five jumps shrinking at every step down.
// GF's adaptive steps cross the plateaus in few steps, so even α = 1e-32
// takes milliseconds and the whole check runs in CI.
func TestGFJumpTimesApproachSchedule(t *testing.T) {
	p := staircaseProblem(t)
	sc, err := theory.NewSolver(p.N, p.D, p.X, p.Y).Saddles()
	if err != nil {
		t.Fatal(err)
	}
	const jumps = 5
	if sc.Jumps() < jumps+1 {
		t.Fatalf("only %d jumps", sc.Jumps())
	}
	alphas := []float64{1e-4, 1e-8, 1e-16, 1e-32}
	prev := make([]float64, jumps)
	for i := range prev {
		prev[i] = math.Inf(1)
	}
	for _, alpha := range alphas {
		measured, err := sim.GFJumpTimes(context.Background(), p, sc, alpha, jumps)
		if err != nil {
			t.Fatalf("α = %g: %v", alpha, err)
		}
		if len(measured) < jumps {
			t.Fatalf("α = %g: only %d jumps measured", alpha, len(measured))
		}
		errs := sc.JumpTimeErrors(measured[:jumps], alpha)
		t.Logf("α = %g: t_k/ln(1/α) = %.4f, errors %.2e", alpha, scaled(measured[:jumps], alpha), errs)
		for k, e := range errs {
			if !(e < prev[k]) {
				t.Errorf("α = %g, jump %d: error %.3g did not shrink from %.3g", alpha, k+1, e, prev[k])
			}
		}
		copy(prev, errs)
	}
	t.Logf("predicted τ = %.4f", taus(sc, jumps))
}

func scaled(v []float64, alpha float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x / math.Log(1/alpha)
	}
	return out
}

func taus(sc theory.Schedule, k int) []float64 {
	var out []float64
	for _, s := range sc.Saddles[1 : k+1] {
		out = append(out, s.Tau)
	}
	return out
}
