package sweep

import (
	"testing"

	"sgdbias/sim"
)

// TestJumpErrorShrinksWithAlpha: on the saddle-to-saddle preset's data, GF's
// jump_error falls as α goes from 1e-8 to 1e-16 to 1e-32 (theory.md §9),
// and a run from α ≥ 1 has none.
func TestJumpErrorShrinksWithAlpha(t *testing.T) {
	alpha, err := ParseGrid(Alpha, "1e-32,1e-16,1e-8,2")
	if err != nil {
		t.Fatal(err)
	}
	c := Config{
		Problem: ProblemConfig{Source: "test", N: 20, D: 50, BetaStar: "8,-4,2,1", Features: "iso"},
		Seed:    3, Reps: 1, Algos: []sim.Algo{sim.GF},
		Grid:    Grid{Alpha: alpha, Step: Fixed(Step, 0.01), Noise: Fixed(Noise, 0), Batch: Fixed(Batch, 1)},
		Horizon: Horizon{Time: 90, Tol: 1e-8},
	}
	res := mustRun(t, c, Options{})
	errs := map[float64]*float64{}
	for _, r := range res.Records {
		errs[c.Grid.Point(r.Point).Alpha] = r.JumpError
	}
	if errs[2] != nil {
		t.Errorf("α = 2: jump_error %v, want none", *errs[2])
	}
	prev := 1.0
	for _, a := range []float64{1e-8, 1e-16, 1e-32} {
		e := errs[a]
		if e == nil {
			t.Fatalf("α = %g: no jump_error", a)
		}
		t.Logf("α = %g: jump_error %.4f", a, *e)
		if !(*e < prev) {
			t.Errorf("α = %g: jump_error %.4g did not shrink from %.4g", a, *e, prev)
		}
		prev = *e
	}
	if prev > 0.05 {
		t.Errorf("α = 1e-32: jump_error %.3g, want < 0.05", prev)
	}
}
