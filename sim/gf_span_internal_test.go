package sim

import (
	"math"
	"testing"

	"sgdbias/sim/problem"
)

func gfTestProblem(t testing.TB, n, d int, seed uint64) *problem.Problem {
	t.Helper()
	p, err := problem.Generate(problem.Spec{N: n, D: d, S: 3, Beta: problem.BetaSpec{Kind: "pm1"},
		Features: problem.FeatureSpec{Kind: "iso"}, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newTestGF(t testing.TB, p *problem.Problem, alpha float64) *gfMethod {
	t.Helper()
	m, err := NewGF(p, UniformInit(alpha, p.D), Params{Step: 0.1, Batch: 1}, DefaultGFTolerance)
	if err != nil {
		t.Fatal(err)
	}
	return m.(*gfMethod)
}

func newTestLegacyGF(t testing.TB, p *problem.Problem, alpha float64) *legacyGF {
	t.Helper()
	m, err := newLegacyGF(p, UniformInit(alpha, p.D), Params{Step: 0.1, Batch: 1}, DefaultGFTolerance)
	if err != nil {
		t.Fatal(err)
	}
	return m.(*legacyGF)
}

// The integrator on c follows the Dormand–Prince integrator of G that it
// replaced: β and ∫L dt agree at sample times along a non-stiff flow, to a
// few hundred times the local tolerance 1e-12 (the global error of each).
func TestGFTrajectoryMatchesDormandPrince(t *testing.T) {
	p := gfTestProblem(t, 20, 60, 7)
	for _, alpha := range []float64{0.01, 0.3} {
		m, ref := newTestGF(t, p, alpha), newTestLegacyGF(t, p, alpha)
		for _, tt := range []float64{0.3, 2, 10, 40} {
			if err := m.AdvanceTo(tt); err != nil {
				t.Fatal(err)
			}
			if err := ref.AdvanceTo(tt); err != nil {
				t.Fatal(err)
			}
			if e := RelativeDistance(m.state.Beta, ref.state.Beta); e > 1e-9 {
				t.Errorf("α=%g t=%g: β differs from Dormand–Prince by %.3g (relative)", alpha, tt, e)
			}
			if e := math.Abs(m.state.IntLoss/ref.state.IntLoss - 1); e > 1e-9 {
				t.Errorf("α=%g t=%g: ∫L dt %.15g vs Dormand–Prince %.15g", alpha, tt, m.state.IntLoss, ref.state.IntLoss)
			}
		}
	}
}

// In the stiff mode (Rodas4 on c) the trajectory still follows the flow:
// at α = 5 on a flow that stiffens as it converges, β and ∫L dt agree with
// Dormand–Prince (which pays for the stiffness with short steps) at sample
// times after the switch.
func TestGFStiffModeMatchesDormandPrince(t *testing.T) {
	p := gfTestProblem(t, 10, 30, 8)
	const alpha = 5
	m, ref := newTestGF(t, p, alpha), newTestLegacyGF(t, p, alpha)
	sawStiff := false
	for _, tt := range []float64{0.01, 0.1, 1, 5} {
		for m.state.Time < tt {
			if err := m.step(tt-m.state.Time, tt); err != nil {
				t.Fatal(err)
			}
			sawStiff = sawStiff || m.stiffMode
		}
		if err := ref.AdvanceTo(tt); err != nil {
			t.Fatal(err)
		}
		if e := RelativeDistance(m.state.Beta, ref.state.Beta); e > 1e-8 {
			t.Errorf("t=%g: β differs from Dormand–Prince by %.3g (relative)", tt, e)
		}
		if e := math.Abs(m.state.IntLoss/ref.state.IntLoss - 1); e > 1e-8 {
			t.Errorf("t=%g: ∫L dt %.15g vs Dormand–Prince %.15g", tt, m.state.IntLoss, ref.state.IntLoss)
		}
	}
	if !sawStiff {
		t.Error("the stiff mode never took over at α = 5")
	}
}

// Rodas4 converges at order 4 on c: halving a fixed step divides the error
// at t = 0.5 by about 16 (a wrong coefficient drops the order).
func TestRodasOrder(t *testing.T) {
	p := gfTestProblem(t, 8, 20, 9)
	const alpha, end = 0.5, 0.5
	ref := newTestLegacyGF(t, p, alpha)
	ref.tol = GFTolerance{Rel: 1e-14, Abs: 1e-17}
	if err := ref.AdvanceTo(end); err != nil {
		t.Fatal(err)
	}
	var errs []float64
	for _, steps := range []int{10, 20, 40} {
		m := newTestGF(t, p, alpha)
		m.rodas, m.stiffMode = newRodasWork(p.N, p.D), true
		m.tol = GFTolerance{Rel: 1, Abs: 1} // accept every step
		h := end / float64(steps)
		for k := 0; k < steps; k++ {
			m.hNext = h
			target := float64(k+1) * h
			if _, err := m.stiffStepFixed(target - m.state.Time); err != nil {
				t.Fatal(err)
			}
			m.state.Time = target
		}
		errs = append(errs, RelativeDistance(m.state.Beta, ref.state.Beta))
	}
	t.Logf("errors at h = 0.05, 0.025, 0.0125: %v", errs)
	for k := 0; k+1 < len(errs); k++ {
		if ratio := errs[k] / errs[k+1]; ratio < 12 || ratio > 22 {
			t.Errorf("errors %v: ratio %.3g when halving h, want ≈ 16", errs, ratio)
		}
	}
}

// stiffStepFixed takes one Rodas4 step of exactly h, whatever its error.
func (m *gfMethod) stiffStepFixed(h float64) (float64, error) {
	if !m.fresh {
		m.evalCurrent()
	}
	m.formJacobian()
	m.rodasAttempt(h)
	m.rodasAccept(h)
	return h, nil
}

// The conserved product and the state are read off the same G in both
// modes: w₊w₋ = α² to rounding at α = 1e3, where the flow runs stiff.
func TestGFStiffModeConservesProduct(t *testing.T) {
	p := gfTestProblem(t, 10, 30, 10)
	const alpha = 1e3
	m := newTestGF(t, p, alpha)
	la := make([]float64, p.D)
	for _, tt := range []float64{1e-6, 1e-3, 1} {
		if err := m.AdvanceTo(tt); err != nil {
			t.Fatal(err)
		}
		m.LogEffectiveInit(la)
		for j, v := range la {
			if e := math.Abs(v - math.Log(alpha)); e > 1e-12 {
				t.Fatalf("t=%g coordinate %d: ln √(w₊w₋) − ln α = %.3g", tt, j, e)
			}
		}
	}
	if !m.stiffMode {
		t.Error("GF at α = 1e3 is not in the stiff mode")
	}
}

// Reset repeats the run bit for bit, through the switches of mode.
func TestGFResetRepeats(t *testing.T) {
	p := gfTestProblem(t, 10, 30, 11)
	m := newTestGF(t, p, 5)
	if err := m.AdvanceTo(5); err != nil {
		t.Fatal(err)
	}
	first := append([]float64(nil), m.state.Beta...)
	firstLoss := m.state.IntLoss
	m.Reset()
	if err := m.AdvanceTo(5); err != nil {
		t.Fatal(err)
	}
	for j := range first {
		if first[j] != m.state.Beta[j] {
			t.Fatalf("coordinate %d: %v after Reset, %v before", j, m.state.Beta[j], first[j])
		}
	}
	if firstLoss != m.state.IntLoss {
		t.Fatalf("∫L dt %v after Reset, %v before", m.state.IntLoss, firstLoss)
	}
}

// A step allocates nothing in either mode once the workspace exists.
func TestGFStepAllocatesNothing(t *testing.T) {
	p := gfTestProblem(t, 10, 30, 12)
	for _, alpha := range []float64{0.1, 1e3} {
		m := newTestGF(t, p, alpha)
		for range 50 {
			if err := m.Step(); err != nil {
				t.Fatal(err)
			}
		}
		if allocs := testing.AllocsPerRun(20, func() {
			if err := m.Step(); err != nil {
				t.Fatal(err)
			}
		}); allocs != 0 {
			t.Errorf("α=%g (stiff mode %v): %v allocations per step", alpha, m.stiffMode, allocs)
		}
	}
}
