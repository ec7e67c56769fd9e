package sim_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"sgdbias/sim"
	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// kernelFlow is gradient flow at large α solved independently of the
// engine: there |G| ≲ ‖β‖/(4α²) is tiny, β = −2α²sinh(2G) = −4α²G up to a
// relative (2G)²/6, and G = Xᵀc (§3), so dc/dt = (Xβ − y)/n is linear and
// β_t = XᵀQ·diag((1 − e^{−4α²tλ/n})/λ)·Qᵀy with XXᵀ = QΛQᵀ.
func kernelFlow(t *testing.T, p *problem.Problem, alpha, time float64) []float64 {
	t.Helper()
	x := mat.NewDense(p.N, p.D, p.X)
	var gram mat.SymDense
	gram.SymOuterK(1, x)
	var eig mat.EigenSym
	if !eig.Factorize(&gram, true) {
		t.Fatal("eigen decomposition of XXᵀ failed")
	}
	var q mat.Dense
	eig.VectorsTo(&q)
	lambda := eig.Values(nil)
	coef := mat.NewVecDense(p.N, nil)
	coef.MulVec(q.T(), mat.NewVecDense(p.N, append([]float64(nil), p.Y...)))
	for k, l := range lambda {
		coef.SetVec(k, coef.AtVec(k)*-math.Expm1(-4*alpha*alpha*time*l/float64(p.N))/l)
	}
	var c, beta mat.VecDense
	c.MulVec(&q, coef)
	beta.MulVec(x.T(), &c)
	return beta.RawVector().Data
}

// GF over the whole α range: at α ≥ 50 the first trial step overflowed a
// stage and the integrator gave up at t = 0; at α = 1000 the flow is stiff
// (∝ α²λ_max(H)) and, once at rest, must not crawl at the stability limit.
func TestGFLargeAlphaMatchesKernelFlow(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 7)
	// At α = 1e4 the absolute error control on G (1e-15) is 4e-7 on β.
	for _, c := range []struct{ alpha, tol float64 }{{50, 1e-7}, {1000, 1e-6}, {sim.MaxAlpha, 1e-5}} {
		alpha := c.alpha
		m := newMethod(t, sim.GF, p, alpha, 0.1, 0)
		for _, tm := range []float64{0.1 / (alpha * alpha), 1 / (alpha * alpha), 1} {
			mustAdvance(t, m, tm)
			want := kernelFlow(t, p, alpha, tm)
			if e := relDist(m.State().Beta, want); e > c.tol {
				t.Errorf("α=%g t=%.3g: GF vs the kernel-regime closed form: relative distance %.3g", alpha, tm, e)
			}
		}
		if s := m.State().Steps; s > 20000 {
			t.Errorf("α=%g: %d steps to reach t = 1; a flow at rest must not crawl at the stability limit", alpha, s)
		}
	}
}

// SGF at a time step far beyond stability: the loss blows up in one step
// and the Itô shrink then drives w± to 0. That is a divergence, never a
// result with β = 0 (it used to end as "horizon").
func TestSGFBlowUpIsDivergence(t *testing.T) {
	p := sparseProblem(t, 40, 100, 5, 3)
	for _, c := range []struct{ alpha, step, noise float64 }{{100, 0.08, 0.08}, {0.1, 0.08, 1}} {
		in := sim.UniformInit(c.alpha, p.D)
		m, err := sim.NewMethod(sim.SGF, p, sim.Config{Init: in, Params: sim.Params{Step: c.step, Noise: c.noise, Batch: 1}, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		res, err := sim.Run(context.Background(), m, sim.NewSampler(p, in), sim.RunOptions{Horizon: sim.Horizon{Time: 200}, Samples: 10})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != sim.StatusDiverged && res.Status != sim.StatusCollapsed {
			t.Errorf("α=%g noise=%g: status %q, ‖β‖₁ %g; want diverged or collapsed", c.alpha, c.noise, res.Status, res.Final.L1)
		}
	}
}

// The hints fit the method: none about γ for GF; for SGF with a time step
// below the stable one, the noise.
func TestDivergenceHints(t *testing.T) {
	p := sparseProblem(t, 40, 100, 5, 3)
	in := sim.UniformInit(0.1, p.D)
	gf := &sim.DivergenceError{Algo: sim.GF, Step: 3, LastLoss: 1e99, Gamma: 0.08}
	sim.Hints(gf, p, in, 1, nil)
	if msg := gf.Error(); strings.Contains(msg, "γ") {
		t.Errorf("GF has no step, yet: %q", msg)
	}
	ref, err := theory.NewSolver(p.N, p.D, p.X, p.Y).PhiArgmin(in.LogAlpha(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	sgf := &sim.DivergenceError{Algo: sim.SGF, Step: 600, LastLoss: 4e4, Gamma: 0.01, Noise: 0.3}
	sim.Hints(sgf, p, in, 1, ref.Beta)
	if !(sgf.StableNoise > 0 && sgf.StableNoise < 0.3) || !strings.Contains(sgf.Hint(), "noise") {
		t.Errorf("SGF at a small time step: hint %q (noise estimate %g)", sgf.Hint(), sgf.StableNoise)
	}
	gd := &sim.DivergenceError{Algo: sim.GD, Step: 4, LastLoss: 1e20, Gamma: 5}
	sim.Hints(gd, p, in, 1, nil)
	if !strings.Contains(gd.Hint(), "estimate") || strings.Contains(gd.Hint(), "try") {
		t.Errorf("GD hint must say what it estimates, not order a step: %q", gd.Hint())
	}
	// Estimates without the GF limit say they come from initialisation.
	gd.StableStepAtInit, sgf.StableStepAtInit = true, true
	if !strings.Contains(gd.Hint(), "by 2/sharpness at initialisation (a rough estimate: the GF limit was not solved)") ||
		!strings.Contains(sgf.Hint(), "at batch 1, at initialisation only)") {
		t.Errorf("hints from initialisation alone do not say so: %q, %q", gd.Hint(), sgf.Hint())
	}
}
