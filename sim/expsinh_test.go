package sim

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// sinh is within 1 ulp of sinh(x) computed in 200-bit arithmetic for
// |x| < 1 (the series) and 2 ulp up to |x| = 8 (the exponential, where its
// difference cancels most), and within 2 ulp of math.Sinh up to |x| = 700
// (2·spanExpLimit). For comparison, math.Sinh and the earlier
// Taylor-or-math.Exp form measured 2–3 ulp from the 200-bit value.
func TestSinhAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	worst := 0.0
	check := func(x, want, tolUlp float64) {
		got := sinh(x)
		ulps := math.Abs(got-want) / ulp(want)
		worst = math.Max(worst, ulps)
		if ulps > tolUlp {
			t.Errorf("sinh(%v) = %v, want %v: %.2f ulp", x, got, want, ulps)
		}
	}
	series := func(x float64) float64 {
		if math.Abs(x) < 1 {
			return 1
		}
		return 2
	}
	for _, x := range []float64{0, 1e-300, 1e-8, 0.1, 0.5, 0.9999999999999999, 1, 1.0000000000000002, 2, 7.9} {
		check(x, sinhRef(x), series(x))
		check(-x, sinhRef(-x), series(x))
	}
	for range 4000 {
		x := (rng.Float64()*2 - 1) * 8
		check(x, sinhRef(x), series(x))
		x = (rng.Float64()*2 - 1) * 1.5
		check(x, sinhRef(x), series(x))
	}
	for range 200000 {
		x := (rng.Float64()*2 - 1) * 700
		check(x, math.Sinh(x), 2)
	}
	for _, x := range []float64{354.89, 699.99, -699.99} {
		check(x, math.Sinh(x), 2)
	}
	t.Logf("largest error %.2f ulp", worst)
}

// sinhRef is sinh(x) by its Taylor series in 200-bit arithmetic, rounded
// once to float64 (|x| ≤ 8: 60 terms leave less than 1e-30 relative).
func sinhRef(x float64) float64 {
	const prec = 200
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	x2 := new(big.Float).SetPrec(prec).Mul(bx, bx)
	term := new(big.Float).SetPrec(prec).Set(bx)
	sum := new(big.Float).SetPrec(prec).Set(bx)
	for k := 1; k <= 60; k++ {
		term.Mul(term, x2)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64((2*k)*(2*k+1))))
		sum.Add(sum, term)
	}
	f, _ := sum.Float64()
	return f
}

// ulp is the spacing of float64 at |v| (at least that of the smallest
// normal, so that 0 compares).
func ulp(v float64) float64 {
	a := math.Max(math.Abs(v), 0x1p-1022)
	return math.Nextafter(a, math.Inf(1)) - a
}

// The AVX2 kernel gives betaSinhGo's bits, and both report an argument
// beyond spanExpLimit or NaN, wherever it sits in the block.
func TestBetaSinhKernelMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	span := make([]float64, 1027)
	for j := range span {
		switch j % 4 {
		case 0:
			span[j] = (rng.Float64() - 0.5) * 0.5 // 2g about ±½
		case 1:
			span[j] = 0.25 * (1 + (rng.Float64()-0.5)*1e-15)
		default:
			span[j] = (rng.Float64()*2 - 1) * (spanExpLimit - 1e-9)
		}
	}
	want, got := make([]float64, len(span)), make([]float64, len(span))
	for _, scale := range []float64{-2e-2, -2e-200, -2e100} {
		if !betaSinhGo(span, want, scale) || !betaSinh(span, got, scale) {
			t.Fatal("an argument within range was refused")
		}
		for j := range want {
			if math.Float64bits(got[j]) != math.Float64bits(want[j]) {
				t.Fatalf("scale %v, span %v: %v against the Go loop's %v", scale, span[j], got[j], want[j])
			}
		}
	}
	for _, bad := range []float64{spanExpLimit, -spanExpLimit, math.NaN(), math.Inf(1)} {
		for _, at := range []int{0, 3, 513, len(span) - 1} {
			old := span[at]
			span[at] = bad
			if betaSinh(span, got, -1) || betaSinhGo(span, want, -1) {
				t.Errorf("%v at %d was not refused", bad, at)
			}
			span[at] = old
		}
	}
}

// expKernel is within 1 ulp of eˣ computed in 300-bit arithmetic up to
// |x| = 700 (2·spanExpLimit), and is math.Exp beyond.
func TestExpKernelAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	worst := 0.0
	for range 3000 {
		for _, x := range []float64{(rng.Float64()*2 - 1) * 2, (rng.Float64()*2 - 1) * 700} {
			got, want := expKernel(x), expRef(x)
			ulps := math.Abs(got-want) / ulp(want)
			worst = math.Max(worst, ulps)
			if ulps > 1 {
				t.Errorf("expKernel(%v) = %v, want %v: %.2f ulp", x, got, want, ulps)
			}
		}
	}
	for _, x := range []float64{-745, -700, 700, 709} {
		if got := expKernel(x); got != math.Exp(x) {
			t.Errorf("expKernel(%v) = %v, math.Exp %v", x, got, math.Exp(x))
		}
	}
	t.Logf("largest error %.2f ulp", worst)
}

// expRef is eˣ in 300-bit arithmetic, rounded once to float64: the Taylor
// series of e^(x/64) (|x/64| < 11: 80 terms leave less than 1e-40), squared
// six times.
func expRef(x float64) float64 {
	const prec = 300
	bx := new(big.Float).SetPrec(prec).SetFloat64(x / 64)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	for k := 1; k <= 80; k++ {
		term.Mul(term, bx)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(k)))
		sum.Add(sum, term)
	}
	for range 6 {
		sum.Mul(sum, sum)
	}
	f, _ := sum.Float64()
	return f
}

// The AVX2 kernel gives betaFromLogWeightsGo's bits, and falls back to it
// where a log-weight is out of its range (underflowing weights, NaN).
func TestBetaFromLogWeightsKernelMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const d = 103
	lp, lm := make([]float64, d), make([]float64, d)
	for j := range lp {
		lp[j] = (rng.Float64()*2 - 1) * 349
		lm[j] = (rng.Float64() - 0.5) * 20
	}
	want, got := make([]float64, d), make([]float64, d)
	for _, bad := range []float64{0, -400, 360, math.NaN()} {
		if bad != 0 {
			lm[41] = bad
		}
		betaFromLogWeightsGo(lp, lm, want)
		betaFromLogWeights(lp, lm, got)
		for j := range want {
			if math.Float64bits(got[j]) != math.Float64bits(want[j]) {
				t.Fatalf("ln w₋ %v at 41: β_%d = %v, the Go loop's %v", bad, j, got[j], want[j])
			}
		}
	}
}
