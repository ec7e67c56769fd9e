package sim_test

import (
	"math"
	"testing"

	"sgdbias/sim"
)

// naiveGD is an independent, loop-by-loop GD on w± that also tracks the
// product Π|1 − x_j²| of §5, to check the engine against (§8 check 1).
type naiveGD struct {
	wp, wm, prod []float64
}

func (g *naiveGD) step(p interface {
	Row(int) []float64
}, n int, y []float64, gamma float64) {
	d := len(g.wp)
	beta := make([]float64, d)
	for j := range beta {
		beta[j] = g.wp[j]*g.wp[j] - g.wm[j]*g.wm[j]
	}
	grad := make([]float64, d)
	for i := 0; i < n; i++ {
		row := p.Row(i)
		r := -y[i]
		for j, x := range row {
			r += x * beta[j]
		}
		for j, x := range row {
			grad[j] += x * r / float64(n)
		}
	}
	for j := range grad {
		x := gamma * grad[j]
		g.wp[j] *= 1 - x
		g.wm[j] *= 1 + x
		g.prod[j] *= math.Abs(1 - x*x)
	}
}

// §8 check 1 (GD): |w₊w₋|_k = α²·Π_j|1 − x_j²| per coordinate to ≤ 1e-12.
func TestGDProductOfGains(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 1)
	const alpha, gamma, steps = 0.1, 0.05, 400
	m := newMethod(t, sim.GD, p, alpha, gamma, 0)
	ref := &naiveGD{wp: make([]float64, p.D), wm: make([]float64, p.D), prod: make([]float64, p.D)}
	for j := range ref.wp {
		ref.wp[j], ref.wm[j], ref.prod[j] = alpha, alpha, 1
	}
	for k := 0; k < steps; k++ {
		if err := m.Step(); err != nil {
			t.Fatal(err)
		}
		ref.step(p, p.N, p.Y, gamma)
	}
	got := effectiveAlpha(m)
	want := make([]float64, p.D)
	for j := range want {
		got[j] *= got[j] // α_k² = |w₊w₋|
		want[j] = alpha * alpha * ref.prod[j]
	}
	if e := relDist(got, want); e > 1e-12 {
		t.Fatalf("|w₊w₋| vs α²Π|1−x²|: relative error %.3g > 1e-12", e)
	}
	// The gain is real: GD has shrunk α on the support noticeably.
	if want[0] > 0.99*alpha*alpha {
		t.Fatalf("test too weak: α² on the support only moved to %.4g", want[0])
	}
}

// §8 check 1 (GF): w₊w₋ = α² to ≤ 1e-8 along the adaptive integration.
func TestGFConservesProduct(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 2)
	m := newMethod(t, sim.GF, p, 0.05, 0.1, 0)
	for _, tt := range []float64{1, 10, 100} {
		mustAdvance(t, m, tt)
		got := effectiveAlpha(m)
		for j := range got {
			if e := math.Abs(got[j]*got[j]/(0.05*0.05) - 1); e > 1e-8 {
				t.Fatalf("t=%g coordinate %d: w₊w₋/α² − 1 = %.3g", tt, j, e)
			}
		}
	}
}

// §8 check 2: the first GD step from β = 0 is exactly β₁ = 4γα²Xᵀy/n. It pins
// the initialisation and the loss normalisation of the seed paper.
func TestFirstGDStep(t *testing.T) {
	p := sparseProblem(t, 10, 30, 2, 3)
	const alpha, gamma = 0.3, 0.01
	m := newMethod(t, sim.GD, p, alpha, gamma, 0)
	if err := m.Step(); err != nil {
		t.Fatal(err)
	}
	want := make([]float64, p.D)
	for i := 0; i < p.N; i++ {
		for j, x := range p.Row(i) {
			want[j] += 4 * gamma * alpha * alpha * x * p.Y[i] / float64(p.N)
		}
	}
	// (1+u)² − (1−u)² cancels about two digits for u ≈ 1e-2, hence 1e-12; a
	// wrong convention is off by a factor 2 or more.
	if e := relDist(m.State().Beta, want); e > 1e-12 {
		t.Fatalf("β₁ differs from 4γα²Xᵀy/n by %.3g relative", e)
	}
}

// §8 check 9: SGD with batch b = n is GD to rounding.
func TestFullBatchSGDIsGD(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 4)
	cfg := sim.Config{Init: sim.UniformInit(0.1, p.D), Params: sim.Params{Step: 0.05, Batch: p.N}, Seed: 9}
	gd, _ := sim.NewMethod(sim.GD, p, cfg)
	sgd, err := sim.NewMethod(sim.SGD, p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	mustAdvance(t, gd, 20)
	mustAdvance(t, sgd, 20)
	if gd.State().Steps != sgd.State().Steps {
		t.Fatalf("steps differ: %d vs %d", gd.State().Steps, sgd.State().Steps)
	}
	if e := relDist(sgd.State().Beta, gd.State().Beta); e > 1e-12 {
		t.Fatalf("SGD(b=n) vs GD: relative distance %.3g", e)
	}
}

// §8 check 9: (α, γ, y) → (2α, γ/4, 4y) scales β by exactly 4 (powers of two,
// so bit for bit for the multiplicative updates).
func TestRescalingScalesBeta(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 5)
	q := *p
	q.Y = make([]float64, p.N)
	for i, v := range p.Y {
		q.Y[i] = 4 * v
	}
	for _, a := range sim.AllAlgos {
		t.Run(string(a), func(t *testing.T) {
			m := newMethod(t, a, p, 0.1, 0.02, 7)
			r := newMethod(t, a, &q, 0.2, 0.005, 7)
			mustAdvance(t, m, 4)
			mustAdvance(t, r, 1)
			scaled := make([]float64, p.D)
			for j, b := range m.State().Beta {
				scaled[j] = 4 * b
			}
			tol := 0.0 // GD and SGD: exact
			if a == sim.GF || a == sim.SGF {
				tol = 1e-13 // exp(x + ln 4) is not 4·exp(x) to the last bit
			}
			if e := relDist(r.State().Beta, scaled); e > tol {
				t.Fatalf("β(2α, γ/4, 4y) vs 4β(α, γ, y): relative distance %.3g > %g", e, tol)
			}
		})
	}
}

// §8 check 7, first half: SGF's √(w₊w₋) equals α·exp(−2γ·diag(H)·Σ L h).
func TestSGFEffectiveInitLaw(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 6)
	const alpha, h, noise = 0.1, 0.01, 0.05
	m, err := sim.NewSGF(p, sim.UniformInit(alpha, p.D), sim.Params{Step: h, Noise: noise, Batch: 1}, 11)
	if err != nil {
		t.Fatal(err)
	}
	var intLoss float64
	for k := 0; k < 3000; k++ {
		intLoss += h * lossOf(p, m.State().Beta) // left-point rule, computed independently
		if err := m.Step(); err != nil {
			t.Fatal(err)
		}
	}
	got := effectiveAlpha(m)
	want := make([]float64, p.D)
	for j := range want {
		want[j] = alpha * math.Exp(-2*noise*p.HDiag()[j]*intLoss)
	}
	if e := relDist(got, want); e > 1e-12 {
		t.Fatalf("α_t vs α·exp(−2γ diag(H) ∫L): relative error %.3g", e)
	}
	if want[0] > 0.9*alpha {
		t.Fatalf("test too weak: α_t only shrank to %.4g", want[0])
	}
	if e := math.Abs(m.State().IntLoss/intLoss - 1); e > 1e-12 {
		t.Fatalf("engine ∫L %.15g vs independent %.15g", m.State().IntLoss, intLoss)
	}
}
