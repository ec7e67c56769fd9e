package sim_test

import (
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/theory"
)

// §6: label-noise GD (LNSGD with batch n) shrinks α_t towards 0 and hovers
// around the Lasso solution with λ_j = γδH_jj/(2n) (L_E = 2L); its time
// average is close to the Lasso solution (solved by FISTA) and far from the
// GF limit.
func TestLabelNoiseGDHoversAroundLasso(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 7)
	const alpha, gamma, delta, horizon = 0.1, 0.01, 20, 2000
	m, err := sim.NewLabelNoiseSGD(p, sim.UniformInit(alpha, p.D), sim.Params{Step: gamma, Batch: p.N, LabelNoise: delta}, 1)
	if err != nil {
		t.Fatal(err)
	}
	mustAdvance(t, m, horizon/2)
	average := make([]float64, p.D)
	count := 0
	for m.State().Time < horizon {
		if err := m.Step(); err != nil {
			t.Fatal(err)
		}
		for j, b := range m.State().Beta {
			average[j] += b
		}
		count++
	}
	for j := range average {
		average[j] /= float64(count)
	}
	lambda := make([]float64, p.D)
	for j := range lambda {
		lambda[j] = gamma * delta * p.HDiag()[j] / (2 * float64(p.N))
	}
	lasso, err := theory.Lasso(p.N, p.D, p.X, p.Y, lambda, 1e-12)
	if err != nil {
		t.Fatal(err)
	}
	toLasso, toGF := relDist(average, lasso), relDist(gfLimit(t, p, alpha), lasso)
	if toLasso > 0.06 || toLasso > toGF/10 {
		t.Errorf("time average vs Lasso: %.3g (GF limit vs Lasso: %.3g); want ≤ 0.06 and 10× closer", toLasso, toGF)
	}
	if a := effectiveAlpha(m)[0]; a > 1e-3*alpha {
		t.Errorf("α_t = %.3g: label noise should have driven it towards 0", a)
	}
}

// Without label noise and with batch n, LNSGD is GD to rounding; plain SGD
// ignores a label-noise setting bit for bit.
func TestLabelNoiseOffAndIgnored(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 8)
	in := sim.UniformInit(0.1, p.D)
	full := sim.Params{Step: 0.02, Batch: p.N}
	ln, _ := sim.NewLabelNoiseSGD(p, in, full, 4)
	gd, _ := sim.NewGD(p, in, full)
	mustAdvance(t, ln, 5)
	mustAdvance(t, gd, 5)
	if e := relDist(ln.State().Beta, gd.State().Beta); e > 1e-12 {
		t.Fatalf("LNSGD(δ=0, b=n) vs GD: %.3g", e)
	}
	quiet, _ := sim.NewSGD(p, in, sim.Params{Step: 0.02, Batch: 3}, 4)
	noisy, _ := sim.NewSGD(p, in, sim.Params{Step: 0.02, Batch: 3, LabelNoise: 5}, 4)
	mustAdvance(t, quiet, 5)
	mustAdvance(t, noisy, 5)
	if relDist(noisy.State().Beta, quiet.State().Beta) != 0 || noisy.Params().LabelNoise != 0 {
		t.Fatal("plain SGD used a label-noise setting")
	}
}

// Heavy ball with μ = 0 is GD to rounding.
func TestHeavyBallWithoutMomentumIsGD(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 9)
	cfg := sim.Config{Init: sim.UniformInit(0.1, p.D), Params: sim.Params{Step: 0.05, Batch: 1}}
	gd, _ := sim.NewMethod(sim.GD, p, cfg)
	hb, err := sim.NewMethod(sim.HB, p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	mustAdvance(t, gd, 30)
	mustAdvance(t, hb, 30)
	if e := relDist(hb.State().Beta, gd.State().Beta); e > 1e-12 {
		t.Fatalf("HB(μ=0) vs GD: %.3g", e)
	}
}

// §6 (Papazov et al.): λ = γ/(1−μ)² fixes the path; a smaller λ gives a
// solution nearer the GF limit with a lower test error. Large β* make the
// step-size effect large enough to see at small steps.
func TestMomentumBiasIsSetByLambda(t *testing.T) {
	p := sparseProblem(t, 30, 60, 3, 8)
	for i := range p.Y {
		p.Y[i] *= 10
	}
	for j := range p.BetaStar {
		p.BetaStar[j] *= 10
	}
	limit := func(gamma, mu float64) ([]float64, float64) {
		m, err := sim.NewHeavyBall(p, sim.UniformInit(0.1, p.D), sim.Params{Step: gamma, Batch: 1, Momentum: mu})
		if err != nil {
			t.Fatal(err)
		}
		runToConvergence(t, m, p, 1e-18, 5000)
		te, _ := p.TestError(m.State().Beta)
		return append([]float64(nil), m.State().Beta...), te
	}
	for _, mu := range []float64{0, 0.5} {
		var last float64
		for k, lambda := range []float64{0.001, 0.004, 0.016} {
			_, te := limit(lambda*(1-mu)*(1-mu), mu)
			if k > 0 && te <= last {
				t.Errorf("μ=%g: test error %.4g at λ=%g not above %.4g at λ/4", mu, te, lambda, last)
			}
			last = te
		}
	}
	a, _ := limit(0.004, 0)
	b, _ := limit(0.001, 0.5) // same λ = 0.004
	c, _ := limit(0.001, 0)   // λ = 0.001
	if same, other := relDist(a, b), relDist(a, c); same >= 0.8*other {
		t.Errorf("same λ, different μ: %.3g apart; λ/4: %.3g apart; want the first clearly smaller", same, other)
	}
}
