package live_test

import (
	"math"
	"sgdbias/internal/simtest"
	"sgdbias/sim/live"
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// TestStaircaseInSnapshot: a small α gets the schedule of the problem in
// the references, with t_k = τ_k·ln(1/α); a large α gets none.
func TestStaircaseInSnapshot(t *testing.T) {
	sc := live.Scenario{Setup: sim.Setup{
		Spec: problem.Spec{N: 20, D: 50, Beta: problem.BetaSpec{Kind: "list", Values: []float64{8, -4, 2, 1}},
			Features: problem.FeatureSpec{Kind: "iso"}, Seed: 3},
		Algos: []sim.Algo{sim.GF}, Alpha: 1e-10, Params: sim.Params{Step: 0.01, Noise: 0.01, Batch: 1}, Seed: 1,
		Horizon: sim.Horizon{Steps: 100},
	}}
	r := simtest.Start(t, sc, live.Options{})
	s := simtest.WaitFor(t, r, "references", func(s *live.Snapshot) bool { return s.Refs.Ready })
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
	r2 := simtest.Start(t, sc, live.Options{})
	if s := simtest.WaitFor(t, r2, "references", func(s *live.Snapshot) bool { return s.Refs.Ready }); s.Refs.Staircase != nil {
		t.Error("a staircase at α = 0.1")
	}
}

// TestStaircasePlateaus: one level per jump, log₁₀ for the loss, no level
// for the final zero loss; the jump columns on the axis.
func TestStaircasePlateaus(t *testing.T) {
	st := &live.Staircase{
		Saddles: []theory.Saddle{{Loss: 100, L1: 0}, {Loss: 10, L1: 2}, {Loss: 0, L1: 3}},
		Times:   []float64{0, 4, 8},
		Alpha:   1e-5,
	}
	if l1, ok := st.Plateaus(live.L1); !ok || len(l1) != 2 || l1[0] != 2 || l1[1] != 3 {
		t.Errorf("L1 plateaus %v, want [2 3]", l1)
	}
	if loss, ok := st.Plateaus(live.Loss); !ok || len(loss) != 1 || loss[0] != 1 {
		t.Errorf("loss plateaus %v, want [log₁₀ 10 = 1]", loss)
	}
	if k := st.At(5); k != 1 {
		t.Errorf("At(5) = %d, want 1", k)
	}
	ax := live.Axis{Lo: 0, Hi: 10}
	if cols := st.JumpColumns(ax, 11); len(cols) != 2 || cols[0] != 4 || cols[1] != 8 {
		t.Errorf("jump columns %v, want [4 8]", cols)
	}
	if _, ok := st.Plateaus(live.Alpha); ok {
		t.Error("plateaus for α_t")
	}
	var none *live.Staircase
	if _, ok := none.Plateaus(live.L1); ok || none.JumpColumns(ax, 11) != nil {
		t.Error("a nil staircase draws something")
	}
}
