package live

import (
	"math"
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// TestStaircaseInSnapshot: a small α gets the schedule of the problem in
// the references, with t_k = τ_k·ln(1/α); a large α gets none.
func TestStaircaseInSnapshot(t *testing.T) {
	sc := Scenario{
		Spec: problem.Spec{N: 20, D: 50, Beta: problem.BetaSpec{Kind: "list", Values: []float64{8, -4, 2, 1}},
			Features: problem.FeatureSpec{Kind: "iso"}, Seed: 3},
		Algos: []sim.Algo{sim.GF}, Alpha: 1e-10, Params: sim.Params{Step: 0.01, Noise: 0.01, Batch: 1}, Seed: 1,
		HorizonSteps: 100,
	}
	r := start(t, sc, Options{})
	s := waitFor(t, r, "references", func(s *Snapshot) bool { return s.Refs.Ready })
	st := s.Refs.Staircase
	if st == nil {
		t.Fatal("no staircase at α = 1e-10")
	}
	p, err := problem.Generate(sc.Spec)
	if err != nil {
		t.Fatal(err)
	}
	want, err := theory.NewSolver(p.N, p.D, p.X, p.Y).Saddles()
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Saddles) != len(want.Saddles) {
		t.Fatalf("%d saddles, want %d", len(st.Saddles), len(want.Saddles))
	}
	for k, tk := range st.Times {
		if w := want.Saddles[k].Tau * math.Log(1e10); math.Abs(tk-w) > 1e-12*math.Max(1, w) {
			t.Errorf("t_%d = %v, want %v", k, tk, w)
		}
	}
	sc.Alpha = 0.1
	r2 := start(t, sc, Options{})
	if s := waitFor(t, r2, "references", func(s *Snapshot) bool { return s.Refs.Ready }); s.Refs.Staircase != nil {
		t.Error("a staircase at α = 0.1")
	}
}

// TestStaircaseLevels: per column, the plateau of the saddle current at the
// column's time, a gap at each jump, no loss level for the final plateau.
func TestStaircaseLevels(t *testing.T) {
	st := &Staircase{
		Saddles: []theory.Saddle{{Loss: 100, L1: 0}, {Loss: 10, L1: 2}, {Loss: 0, L1: 3}},
		Times:   []float64{0, 4, 8},
		Alpha:   1e-5,
	}
	ax := Axis{Lo: 0, Hi: 10}
	l1, ok := st.Levels(L1, ax, 11) // one column per unit of time
	if !ok {
		t.Fatal("no L1 levels")
	}
	for c, want := range []float64{0, 0, 0, 0, math.NaN(), 2, 2, 2, math.NaN(), 3, 3} {
		if got := l1[c]; !(got == want || (math.IsNaN(got) && math.IsNaN(want))) {
			t.Errorf("L1 column %d: %v, want %v", c, got, want)
		}
	}
	loss, _ := st.Levels(Loss, ax, 11)
	if loss[0] != 2 || loss[5] != 1 || !math.IsNaN(loss[10]) {
		t.Errorf("loss levels %v: want log₁₀ 100 = 2, log₁₀ 10 = 1, and no final plateau", loss)
	}
	if cols := st.JumpColumns(ax, 11); len(cols) != 2 || cols[0] != 4 || cols[1] != 8 {
		t.Errorf("jump columns %v, want [4 8]", cols)
	}
	if _, ok := st.Levels(Alpha, ax, 11); ok {
		t.Error("levels for α_t")
	}
	var none *Staircase
	if _, ok := none.Levels(L1, ax, 11); ok || none.JumpColumns(ax, 11) != nil {
		t.Error("a nil staircase draws something")
	}
}
