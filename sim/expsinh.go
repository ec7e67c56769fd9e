package sim

import "math"

// sinh is sinh(x) for |x| < 2·spanExpLimit, the bulk of a GF right-hand side
// at large d (d of them per evaluation). math.Sinh branches on the sign and
// divides for small x, and math.Exp is a call with a long dependency chain;
// this one is branch-free but for one test, written op for op as the AVX2
// kernel betaSinhAVX2 (sinh_amd64.s) computes it, four coordinates at a
// time, so that both give the same bits (TestBetaSinhKernelMatchesGo):
//
//   - |x| < 1: x + x³·q(x²), q from the odd Taylor series to x²¹/21! (the
//     first omitted term, x²³/23!, is below 4e-23 there);
//   - beyond: ½(E − 1/E) with E = eˣ = 2ᵏ·p(r), k = round(x/ln 2),
//     r = x − k·ln 2 in two parts (|r| ≤ ln2/2), p the Taylor series of e^r
//     to r¹³/13! (the first omitted term is below 5e-18 relative). From
//     |x| = 1 the difference cancels less than a bit, 1/E is correctly
//     rounded, and |k| ≤ 1010 keeps 2ᵏ and 1/E normal.
//
// Both are within 2 ulp of math.Sinh (TestSinhAccuracy).
func sinh(x float64) float64 {
	if x > -1 && x < 1 {
		return sinhSmall(x)
	}
	e := expReduced(x)
	return 0.5 * (e - 1/e)
}

// The coefficients of sinhSmall (1/(2i+1)!) and expReduced (1/i!).
var (
	sinhCoef = [10]float64{1. / 6, 1. / 120, 1. / 5040, 1. / 362880, 1. / 39916800, 1. / 6227020800,
		1. / 1307674368000, 1. / 355687428096000, 1. / 121645100408832000, 1. / 51090942171709440000}
	expCoef = [14]float64{1, 1, 1. / 2, 1. / 6, 1. / 24, 1. / 120, 1. / 720, 1. / 5040, 1. / 40320, 1. / 362880,
		1. / 3628800, 1. / 39916800, 1. / 479001600, 1. / 6227020800}
)

// ln 2 in two parts: ln2Hi has 32 significant bits, so k·ln2Hi is exact for
// |k| < 2²⁰; ln2Lo is the rest.
const (
	log2E = 1.4426950408889634073599246810018920
	ln2Hi = 6.93147180369123816490e-01
	ln2Lo = 1.90821492927058770002e-10
)

// sinhSmall is sinh(x) for |x| < 1 by x + x³·q(x²).
func sinhSmall(x float64) float64 {
	x2 := x * x
	q := sinhCoef[9]
	for i := 8; i >= 0; i-- {
		q = math.FMA(q, x2, sinhCoef[i])
	}
	return math.FMA(x*x2, q, x)
}

// expReduced is eˣ for |x| < 2·spanExpLimit (no overflow or subnormal
// result to handle there).
func expReduced(x float64) float64 {
	k := math.RoundToEven(x * log2E)
	r := math.FMA(-k, ln2Hi, x)
	r = math.FMA(-k, ln2Lo, r)
	p := expCoef[13]
	for i := 12; i >= 0; i-- {
		p = math.FMA(p, r, expCoef[i])
	}
	return p * math.Float64frombits(uint64(int64(k)+1023)<<52)
}

// betaSinhGo is the specification of betaSinhAVX2: beta_j = scale·sinh(2g_j)
// over span, reporting false (and leaving beta partly written) when some
// |g_j| ≥ spanExpLimit or is NaN, for the caller's log-domain path.
func betaSinhGo(span, beta []float64, scale float64) bool {
	beta = beta[:len(span)]
	for j, g := range span {
		if !(g > -spanExpLimit && g < spanExpLimit) {
			return false
		}
		beta[j] = scale * sinh(2*g)
	}
	return true
}

// expKernel is eˣ as the kernels compute it: expReduced for |x| <
// 2·spanExpLimit, math.Exp beyond (where w± underflow or blow up and a run
// stops, as it did with math.Exp).
func expKernel(x float64) float64 {
	if x > -2*spanExpLimit && x < 2*spanExpLimit {
		return expReduced(x)
	}
	return math.Exp(x)
}

// betaFromLogWeightsGo is the specification of betaFromLogWeightsAVX2:
// β_j = e^(2·lp_j) − e^(2·lm_j), SGF's β from its log-weights (§4).
func betaFromLogWeightsGo(lp, lm, beta []float64) {
	lp, lm = lp[:len(beta)], lm[:len(beta)]
	for j := range beta {
		beta[j] = expKernel(2*lp[j]) - expKernel(2*lm[j])
	}
}
