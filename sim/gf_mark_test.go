package sim_test

import (
	"slices"
	"testing"

	"sgdbias/sim"
)

// A rewound GF is at its mark bit for bit, and takes the same steps from it
// again: in the explicit mode (α = 0.1) and where the stiff mode and the rest
// test take over (α = 3 with d ≫ n).
func TestGFRewindRepeats(t *testing.T) {
	p := sparseProblem(t, 20, 2000, 3, 7)
	for _, alpha := range []float64{0.1, 3} {
		m := newMethod(t, sim.GF, p, alpha, 0.1, 1)
		mk, ok := sim.MarkerOf(m)
		if !ok {
			t.Fatal("GF has no Marker")
		}
		mustAdvance(t, m, 0.01)
		mk.Mark()
		marked := *m.State()
		marked.Beta = slices.Clone(marked.Beta)
		mustAdvance(t, m, 20)
		first := *m.State()
		first.Beta = slices.Clone(first.Beta)
		mk.Rewind()
		if got := m.State(); !sameState(*got, marked) {
			t.Errorf("α = %g: rewound to t %v, %d steps, ∫L %v; marked t %v, %d steps, ∫L %v (β equal: %v)",
				alpha, got.Time, got.Steps, got.IntLoss, marked.Time, marked.Steps, marked.IntLoss, slices.Equal(got.Beta, marked.Beta))
		}
		mustAdvance(t, m, 20)
		if got := m.State(); !sameState(*got, first) {
			t.Errorf("α = %g: again to t %v in %d steps, ∫L %v; first %d steps, ∫L %v (β equal: %v)",
				alpha, got.Time, got.Steps, got.IntLoss, first.Steps, first.IntLoss, slices.Equal(got.Beta, first.Beta))
		}
	}
}

func sameState(a, b sim.State) bool {
	return a.Time == b.Time && a.Steps == b.Steps && a.IntLoss == b.IntLoss && slices.Equal(a.Beta, b.Beta)
}
