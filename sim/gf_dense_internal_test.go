package sim

import (
	"math"
	"testing"
)

// With a horizon, GF shows sample times from inside its steps (gf_dense.go);
// without one it lands a step on each. The two agree at every sample to
// far below what a sample prints (β to 1e-9 relative, ∫L dt to 1e-9), in the
// explicit mode (α = 0.1) and where the stiff mode and the rest take over
// (α = 3); the shown samples cost no steps, so with 200 log-spaced samples
// the horizon run takes fewer steps than the landing one.
func TestGFDenseSamplesMatchLanding(t *testing.T) {
	p := gfTestProblem(t, 20, 300, 5)
	const end = 200
	times := SampleTimes(end, 0.08, 200, Log)
	for _, alpha := range []float64{0.1, 3} {
		dense, landing := newTestGF(t, p, alpha), newTestGF(t, p, alpha)
		SetHorizon(dense, end)
		shown, worstBeta, worstInt := 0, 0.0, 0.0
		for _, at := range times {
			if err := dense.AdvanceTo(at); err != nil {
				t.Fatal(err)
			}
			if err := landing.AdvanceTo(at); err != nil {
				t.Fatal(err)
			}
			a, b := dense.State(), landing.State()
			if a.Time != at || b.Time != at {
				t.Fatalf("α = %g: at t %v and %v, asked %v", alpha, a.Time, b.Time, at)
			}
			if dense.view.on {
				shown++
			}
			worstBeta = math.Max(worstBeta, RelativeDistance(a.Beta, b.Beta))
			worstInt = math.Max(worstInt, math.Abs(a.IntLoss-b.IntLoss)/b.IntLoss)
		}
		if worstBeta > 1e-9 || worstInt > 1e-9 {
			t.Errorf("α = %g: shown samples differ from landed ones by %.3g in β, %.3g in ∫L", alpha, worstBeta, worstInt)
		}
		if shown == 0 || dense.state.Steps >= landing.state.Steps {
			t.Errorf("α = %g: %d samples shown from inside a step; %d steps against %d landing", alpha, shown, dense.state.Steps, landing.state.Steps)
		}
		t.Logf("α = %g: %d of %d samples shown, %d steps against %d; β within %.2g, ∫L within %.2g",
			alpha, shown, len(times), dense.state.Steps, landing.state.Steps, worstBeta, worstInt)
	}
}
