package theory

import "math"

// largeLogRatio is the ln|x| above which x = β/(2α²) is handled through
// u = 1/|x| only, so that neither x nor x² is ever formed (α can be 1e-200).
const largeLogRatio = 20

// Phi returns the hyperbolic entropy (theory.md §3)
//
//	φ_α(β) = ¼ Σ_i [ β_i·arcsinh(β_i/(2α_i²)) − √(β_i² + 4α_i⁴) + 2α_i² ],
//
// with α given by its logarithms. It is evaluated as
// ¼|β|·[arcsinh|x| − |x|/(√(1+x²)+1)], x = β/(2α²), which has no
// cancellation for small |x| (α large) and never forms α² for tiny α.
// φ_α(0) = 0.
func Phi(beta, lnAlpha []float64) float64 {
	var sum float64
	for i, b := range beta {
		sum += phiTerm(b, lnAlpha[i])
	}
	return sum
}

func phiTerm(beta, lnAlpha float64) float64 {
	if beta == 0 {
		return 0
	}
	absBeta := math.Abs(beta)
	lnX := math.Log(absBeta) - math.Ln2 - 2*lnAlpha
	var g float64
	if lnX < largeLogRatio {
		x := math.Exp(lnX)
		g = math.Asinh(x) - x/(math.Sqrt(1+x*x)+1)
	} else {
		u := math.Exp(-lnX)
		s := math.Sqrt(1 + u*u)
		g = lnX + math.Log1p(s) - 1/(s+u)
	}
	return 0.25 * absBeta * g
}

// PhiGradient writes ∇φ_α(β) = ¼·arcsinh(β/(2α²)) (theory.md §3) into dst
// and returns it; dst may be nil. It works in the log domain for tiny α.
func PhiGradient(dst, beta, lnAlpha []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(beta))
	}
	for i, b := range beta {
		dst[i] = 0.25 * asinhRatio(b, lnAlpha[i])
	}
	return dst
}

// asinhRatio returns arcsinh(β/(2α²)) without forming α².
func asinhRatio(beta, lnAlpha float64) float64 {
	if beta == 0 {
		return 0
	}
	lnX := math.Log(math.Abs(beta)) - math.Ln2 - 2*lnAlpha
	var v float64
	if lnX < largeLogRatio {
		v = math.Asinh(math.Exp(lnX))
	} else {
		u := math.Exp(-lnX)
		v = lnX + math.Log1p(math.Sqrt(1+u*u))
	}
	return math.Copysign(v, beta)
}
