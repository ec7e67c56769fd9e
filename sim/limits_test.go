package sim_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// gfLimit is argmin φ_α over Xβ = y for uniform α, from the theory solver.
func gfLimit(t testing.TB, p *problem.Problem, alpha float64) []float64 {
	t.Helper()
	return phiArgmin(t, p, p.Y, uniformLog(alpha, p.D), nil)
}

func phiArgmin(t testing.TB, p *problem.Problem, y, logAlpha, tilt []float64) []float64 {
	t.Helper()
	res, err := theory.NewSolver(p.N, p.D, p.X, y).PhiArgmin(logAlpha, tilt, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Beta
}

func uniformLog(alpha float64, d int) []float64 {
	out := make([]float64, d)
	for j := range out {
		out[j] = math.Log(alpha)
	}
	return out
}

func times(p *problem.Problem, beta []float64) []float64 {
	out := make([]float64, p.N)
	for i := range out {
		for j, x := range p.Row(i) {
			out[i] += x * beta[j]
		}
	}
	return out
}

// §8 check 3: at any step k, β_k = argmin { φ_{α_k}(β) − ⟨z̃_k, β⟩ : Xβ = Xβ_k }
// with α_k and the tilt z̃_k read off the state (GD, SGD; SGF too).
func TestMirrorIdentityAnyTime(t *testing.T) {
	p := sparseProblem(t, 30, 80, 4, 21)
	for _, a := range []sim.Algo{sim.GD, sim.SGD, sim.SGF} {
		for _, tt := range []float64{0.5, 3, 20} {
			m := newMethod(t, a, p, 0.05, 0.02, 3)
			mustAdvance(t, m, tt)
			logAlpha, tilt := make([]float64, p.D), make([]float64, p.D)
			m.LogEffectiveInit(logAlpha)
			m.Tilt(tilt)
			got := phiArgmin(t, p, times(p, m.State().Beta), logAlpha, tilt)
			if e := relDist(got, m.State().Beta); e > 1e-9 {
				t.Errorf("%s at t=%g: tilted argmin vs β_k: relative distance %.3g > 1e-9", a, tt, e)
			}
		}
	}
}

// The tilt matters for large steps: without it the identity fails by far
// more than 1e-9 (§5: "dropping z̃ leaves an O(γ³)-sized error").
func TestMirrorIdentityNeedsTilt(t *testing.T) {
	p := sparseProblem(t, 30, 80, 4, 21)
	m := newMethod(t, sim.GD, p, 0.05, 0.1, 0)
	mustAdvance(t, m, 20)
	logAlpha := make([]float64, p.D)
	m.LogEffectiveInit(logAlpha)
	untilted := phiArgmin(t, p, times(p, m.State().Beta), logAlpha, nil)
	if e := relDist(untilted, m.State().Beta); e < 1e-7 {
		t.Fatalf("untilted argmin already matches to %.3g: the test does not exercise the tilt", e)
	}
}

// runToConvergence advances m until its loss is at most tol.
func runToConvergence(t testing.TB, m sim.Method, p *problem.Problem, tol, horizon float64) {
	t.Helper()
	in := sim.UniformInit(1, p.D)
	res, err := sim.Run(context.Background(), m, sim.NewSampler(p, in), sim.RunOptions{
		Horizon: sim.Horizon{Time: horizon, Tol: tol}, Samples: 50, Spacing: sim.Log,
	})
	if err != nil || res.Diverged != nil {
		t.Fatalf("%s: err=%v diverged=%v", m.Algo(), err, res.Diverged)
	}
	if !res.Converged {
		t.Fatalf("%s: loss %.3g not below %.3g by t=%g", m.Algo(), res.Final.Loss, tol, horizon)
	}
}

// §8 check 4: GD with a small step converges to argmin φ_α with an O(γ)
// error: halving γ about halves it. A wrong constant in φ gives a constant
// error instead.
func TestGDErrorIsFirstOrderInStep(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 31)
	const alpha = 0.1
	want := gfLimit(t, p, alpha)
	var errs []float64
	for _, gamma := range []float64{0.04, 0.02, 0.01} {
		m := newMethod(t, sim.GD, p, alpha, gamma, 0)
		runToConvergence(t, m, p, 1e-26, 2000)
		errs = append(errs, relDist(m.State().Beta, want))
	}
	for k := 0; k+1 < len(errs); k++ {
		if ratio := errs[k] / errs[k+1]; ratio < 1.7 || ratio > 2.3 {
			t.Fatalf("errors %v: ratio %.3f when halving γ, want ≈ 2", errs, ratio)
		}
	}
}

// §8 check 5: GF run to a residual of 1e-12 lands on argmin φ_α to ≤ 1e-6.
func TestGFLandsOnPhiArgmin(t *testing.T) {
	p := sparseProblem(t, 30, 80, 4, 41)
	for _, alpha := range []float64{0.01, 0.1, 1} {
		// The residual GF reaches is about its local tolerance (see
		// DefaultGFTolerance), so reaching 1e-12 takes a tighter one.
		m, err := sim.NewGF(p, sim.UniformInit(alpha, p.D), sim.Params{Step: 0.1, Batch: 1}, sim.GFTolerance{Rel: 1e-13, Abs: 1e-16})
		if err != nil {
			t.Fatal(err)
		}
		residualTol := 1e-12
		runToConvergence(t, m, p, residualTol*residualTol/(4*float64(p.N)), 1e5)
		if r := residualNorm(p, m.State().Beta); r > 1e-12 {
			t.Fatalf("α=%g: residual %.3g", alpha, r)
		}
		if e := relDist(m.State().Beta, gfLimit(t, p, alpha)); e > 1e-6 {
			t.Errorf("α=%g: GF vs argmin φ_α: relative distance %.3g > 1e-6", alpha, e)
		}
	}
}

// §8 check 7, second half: SGF converges to argmin φ_{α_∞}, within a few
// times the final residual, and clearly not to argmin φ_α.
func TestSGFLimitIsSmallerInit(t *testing.T) {
	p := sparseProblem(t, 30, 80, 4, 51)
	const alpha = 0.1
	m, err := sim.NewSGF(p, sim.UniformInit(alpha, p.D), sim.Params{Step: 0.01, Noise: 0.2, Batch: 1}, 5)
	if err != nil {
		t.Fatal(err)
	}
	runToConvergence(t, m, p, 1e-20, 1e4)
	logAlphaInf := make([]float64, p.D)
	m.LogEffectiveInit(logAlphaInf)
	limit := phiArgmin(t, p, p.Y, logAlphaInf, nil)
	residual := residualNorm(p, m.State().Beta)
	toLimit := math.Sqrt(sqDist(m.State().Beta, limit))
	toGF := math.Sqrt(sqDist(m.State().Beta, gfLimit(t, p, alpha)))
	if toLimit > 5*residual+1e-12 {
		t.Errorf("‖β − argmin φ_α∞‖ = %.3g, more than 5× the residual %.3g", toLimit, residual)
	}
	if toGF < 1e3*toLimit || toGF < 1e-3 {
		t.Errorf("SGF limit is not clearly apart from GF's: ‖β − argmin φ_α‖ = %.3g vs %.3g", toGF, toLimit)
	}
	if math.Exp(logAlphaInf[0]) > 0.9*alpha {
		t.Errorf("α_∞ = %.3g barely below α = %g: the noise did nothing", math.Exp(logAlphaInf[0]), alpha)
	}
}

func sqDist(a, b []float64) float64 {
	var s float64
	for j := range a {
		s += (a[j] - b[j]) * (a[j] - b[j])
	}
	return s
}

// §8 check 10: a far too large step is detected, reported with its step and
// last finite loss, and never produces NaN or Inf in a sample.
func TestDivergenceIsDetected(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 61)
	for _, a := range []sim.Algo{sim.GD, sim.SGD, sim.SGF} {
		m := newMethod(t, a, p, 0.1, 5, 1)
		if a == sim.SGF {
			// With a large temperature the Itô drift only shrinks w±, so the
			// flow collapses to β = 0 instead of diverging: use a cold one.
			m.SetParams(sim.Params{Step: 20, Noise: 1e-3, Batch: 1})
		}
		res, err := sim.Run(context.Background(), m, sim.NewSampler(p, sim.UniformInit(0.1, p.D)), sim.RunOptions{
			Horizon: sim.Horizon{Time: 1e4}, Samples: 100, Spacing: sim.Linear,
			OnSample: func(s sim.Sample) {
				if !s.Finite() {
					t.Fatalf("%s: non-finite sample %+v", a, s)
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		d := res.Diverged
		if d == nil {
			t.Fatalf("%s with γ = 5 did not diverge", a)
		}
		var typed *sim.DivergenceError
		if !errors.As(m.Err(), &typed) || typed.Step < 1 || math.IsNaN(d.LastLoss) || math.IsInf(d.LastLoss, 0) {
			t.Fatalf("%s: divergence report %+v", a, d)
		}
		for _, b := range res.Beta {
			if math.IsNaN(b) || math.IsInf(b, 0) {
				t.Fatalf("%s: result β has %v", a, b)
			}
		}
		if err := m.Step(); err == nil {
			t.Fatalf("%s: a diverged method kept stepping", a)
		}
		hint := sim.StableStep(p, sim.UniformInit(0.1, p.D), a, 1, gfLimit(t, p, 0.1))
		if !(hint > 0 && hint < 5) {
			t.Fatalf("%s: stable-step hint %v, want in (0, 5)", a, hint)
		}
	}
}

// The stable-step hint is honest: GD at half the hint converges, GD at four
// times the hint does not.
func TestStableStepHintSeparates(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 62)
	in := sim.UniformInit(0.1, p.D)
	hint := sim.StableStep(p, in, sim.GD, 1, gfLimit(t, p, 0.1))
	stable := newMethod(t, sim.GD, p, 0.1, hint/2, 0)
	runToConvergence(t, stable, p, 1e-12, 1e4)
	unstable := newMethod(t, sim.GD, p, 0.1, 4*hint, 0)
	res, _ := sim.Run(context.Background(), unstable, sim.NewSampler(p, in), sim.RunOptions{Horizon: sim.Horizon{Time: 1e3, Tol: 1e-12}, Samples: 10})
	if res.Converged {
		t.Fatalf("GD at 4× the stable-step hint %.3g converged", hint)
	}
}
