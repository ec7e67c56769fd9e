package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// lossRounding is the size of the rounding in L(β) that any way of
// computing r = Xβ − y makes: ∂L/∂rᵢ = rᵢ/(2n) times an error in rᵢ of
// about ε·(Σⱼ|xᵢⱼβⱼ| + |yᵢ|).
func lossRounding(n, d int, x, y, beta []float64) float64 {
	var sum float64
	for i := range n {
		r, size := -y[i], math.Abs(y[i])
		for j := range d {
			r += x[i*d+j] * beta[j]
			size += math.Abs(x[i*d+j] * beta[j])
		}
		sum += math.Abs(r) * size
	}
	return 0x1p-52 * sum / (2 * float64(n))
}

// plainLoss is ‖Xβ − y‖²/(4n) by a loop over the rows, independent of the
// engine's kernels.
func plainLoss(n, d int, x, y, beta []float64) float64 {
	var ss float64
	for i := range n {
		r := -y[i]
		for j := range d {
			r += x[i*d+j] * beta[j]
		}
		ss += r * r
	}
	return ss / (4 * float64(n))
}

// forceLossSplit makes every sampler with a second core and n ≥ 8 compute
// its residual on two cores.
func forceLossSplit(t *testing.T) {
	old := lossSplitMinElems
	lossSplitMinElems = 0
	t.Cleanup(func() { lossSplitMinElems = old })
}

// The residual shared by two cores is the one-core residual bit for bit,
// for every n mod 4 (the split is a multiple of the kernel's 4-row blocks,
// so the tail rows fall in the same place), and the loss is the plain one
// to rounding.
func TestSampleLossTwoCoresMatchesOne(t *testing.T) {
	forceLossSplit(t)
	for _, size := range [][2]int{{8, 5}, {9, 31}, {10, 64}, {11, 3}, {37, 203}, {400, 40}} {
		p := sparseGaussianProblem(size[0], size[1], uint64(size[0]+size[1]))
		m := NewGDForBenchmark(t, p, GDTwoPass)
		if err := m.SetParams(Params{Step: 0.01, Batch: 1}); err != nil {
			t.Fatal(err)
		}
		mustStep(t, m, 20)
		one := make([]float64, p.N)
		want := residual(p, m.State().Beta, one)
		s := NewSampler(p, UniformInit(0.1, p.D))
		if !s.lossTwoCores {
			t.Skip("one core: GOMAXPROCS is 1")
		}
		got, two := s.Loss(m), s.resid
		name := fmt.Sprintf("(n, d) = %v", size)
		if got != want {
			t.Fatalf("%s: two-core loss %v, one-core %v", name, got, want)
		}
		for i := range one {
			if one[i] != two[i] {
				t.Fatalf("%s: residual row %d: %v on two cores, %v on one", name, i, two[i], one[i])
			}
		}
		if plain := plainLoss(p.N, p.D, p.X, p.Y, m.State().Beta); math.Abs(got-plain) > 1e-12*plain {
			t.Fatalf("%s: loss %v, plain loop %v", name, got, plain)
		}
	}
}

// GD's one-pass and column-split runs hand the sampler the residual they
// keep by increments: its loss is the plain loss to within 16 times the
// rounding any computation of Xβ − y makes (lossRounding; measured up to
// 1.3), at every step, across the exact recomputations (gdExactEvery),
// while the loss falls by orders of magnitude. After a reset the residual is stale
// and the sampler computes it afresh (bit for bit residual's).
func TestSampleLossFromGDResidual(t *testing.T) {
	p := sparseGaussianProblem(9, 203, 21)
	for _, kind := range []GDStepKind{GDColumnSplit, GDOnePass, GDOnePassSplit} {
		m := NewGDForBenchmark(t, p, kind).(*gdMethod)
		if err := m.SetParams(Params{Step: 0.05, Batch: 1}); err != nil {
			t.Fatal(err)
		}
		s := NewSampler(p, UniformInit(0.1, p.D))
		first := s.Loss(m)
		for k := range 3 * gdExactEvery {
			mustStep(t, m, 1)
			if m.heldResidual() == nil {
				t.Fatalf("kind %d: no residual held after step %d", kind, k+1)
			}
			got, plain := s.Loss(m), plainLoss(p.N, p.D, p.X, p.Y, m.state.Beta)
			if rnd := lossRounding(p.N, p.D, p.X, p.Y, m.state.Beta); math.Abs(got-plain) > 16*rnd {
				t.Fatalf("kind %d, step %d: loss from the held residual %v, plain %v: %.2g roundings apart",
					kind, k+1, got, plain, math.Abs(got-plain)/rnd)
			}
		}
		if last := s.Loss(m); !(last < 1e-6*first) {
			t.Fatalf("kind %d: loss %g from %g: GD did not train", kind, last, first)
		}
		m.Reset()
		if m.heldResidual() != nil {
			t.Fatalf("kind %d: a residual is held after Reset", kind)
		}
		if got, want := s.Loss(m), lossAt(p, m.state.Beta); got != want {
			t.Fatalf("kind %d: loss after Reset %v, want %v", kind, got, want)
		}
	}
}

// A GD run that stopped (here by divergence) holds no residual: its last
// step may have left it half updated.
func TestSampleLossAfterGDStops(t *testing.T) {
	p := sparseGaussianProblem(9, 203, 4)
	m := NewGDForBenchmark(t, p, GDOnePass).(*gdMethod)
	if err := m.SetParams(Params{Step: 50, Batch: 1}); err != nil {
		t.Fatal(err)
	}
	for range 1000 {
		if m.Step() != nil {
			break
		}
	}
	if m.Err() == nil {
		t.Fatal("γ = 50 did not stop the run")
	}
	if m.heldResidual() != nil {
		t.Fatal("a stopped run holds a residual")
	}
}

// Measuring allocates nothing on either path of the residual.
func TestSampleDoesNotAllocate(t *testing.T) {
	forceLossSplit(t)
	p := sparseGaussianProblem(37, 203, 8)
	for _, m := range []Method{NewGDForBenchmark(t, p, GDTwoPass), NewGDForBenchmark(t, p, GDOnePass)} {
		s := NewSampler(p, UniformInit(0.1, p.D))
		mustStep(t, m, 3)
		if allocs := testing.AllocsPerRun(20, func() { _ = s.Measure(m) }); allocs != 0 {
			t.Fatalf("%v: %v allocations per sample", GDStepOf(m), allocs)
		}
	}
}

// A sample shared with a second core (the loss here, the other metrics
// there) has the numbers of a sample on one core, bit for bit, for each
// kind of method, GF's samples from inside a step included.
func TestMeasureTwoCoresMatchesOne(t *testing.T) {
	forceLossSplit(t)
	p := sparseGaussianProblem(37, 203, 12)
	in := UniformInit(0.1, p.D)
	for _, a := range []Algo{GD, SGD, SGF, GF, HB, LNSGD} {
		cfg := Config{Algos: []Algo{a}, Init: in, Params: Params{Step: 0.01, Batch: 1, Noise: 0.01, LabelNoise: 0.01, Momentum: 0.5}, Seed: 3}
		m, err := NewMethod(a, p, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if g, ok := m.(*gdMethod); ok {
			g.fast = nil // the two-pass step holds no residual
		}
		SetHorizon(m, 100) // GF then shows t = 0.5 from inside a longer step
		mustAdvanceTo(t, m, 0.5)
		if g, ok := m.(*gfMethod); ok && !g.view.on {
			t.Fatal("GF at t = 0.5 is not shown from inside a step")
		}
		one, two := NewSampler(p, in), NewSampler(p, in)
		one.lossTwoCores = false
		if !two.lossTwoCores {
			t.Skip("one core: GOMAXPROCS is 1")
		}
		for range 3 { // a cold and a warm second core
			if got, want := two.Measure(m), one.Measure(m); got != want {
				t.Fatalf("%s: on two cores %+v, on one %+v", a, got, want)
			}
		}
	}
}

// ½ln|ab| by one logarithm agrees with ½(ln|a| + ln|b|) to within the
// rounding of the latter over the whole range of weights; where the product underflows
// or overflows it is the two logarithms exactly, and a zero weight gives
// the clamped finite value.
func TestHalfLogAbsProduct(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a, b := make([]float64, 4000), make([]float64, 4000)
	for j := range a {
		a[j] = math.Copysign(math.Pow(10, -300+600*rng.Float64()), rng.Float64()-0.5)
		b[j] = math.Copysign(math.Pow(10, -300+600*rng.Float64()), rng.Float64()-0.5)
	}
	a[0], b[0] = 1e-200, 1e-200 // the product underflows
	a[1], b[1] = -1e200, 1e200  // … and overflows
	a[2], b[2] = 0, 0.3         // an underflowed weight
	got := make([]float64, len(a))
	halfLogAbsProduct(got, a, b)
	for j := range a {
		two := 0.5 * (safeLogAbs(a[j]) + safeLogAbs(b[j]))
		if math.IsInf(got[j], 0) || math.IsNaN(got[j]) {
			t.Fatalf("a = %g, b = %g: %v", a[j], b[j], got[j])
		}
		p := math.Abs(a[j] * b[j])
		if !(p >= 0x1p-1022 && p <= math.MaxFloat64) {
			if got[j] != two {
				t.Fatalf("a = %g, b = %g (product out of range): %v, two logarithms give %v", a[j], b[j], got[j], two)
			}
			continue
		}
		// The two logarithms round at their own size: ln|a| and ln|b| of
		// opposite signs cancel, and the one logarithm is then the more
		// accurate.
		tol := 2*ulp(two) + ulp(math.Log(math.Abs(a[j]))) + ulp(math.Log(math.Abs(b[j]))) + 0x1p-54
		if d := math.Abs(got[j] - two); d > tol {
			t.Fatalf("a = %g, b = %g: %v, two logarithms give %v (%g apart)", a[j], b[j], got[j], two, d)
		}
	}
}
