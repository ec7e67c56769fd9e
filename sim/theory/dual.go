package theory

import "math"

// The φ_α argmin is computed on the dual (theory.md §7). With a = α² and the
// Lagrangian φ_α(β) − ⟨tilt,β⟩ − ⟨ν, Xβ − y⟩, stationarity reads
// ¼·arcsinh(β/(2a)) = z with z = tilt + Xᵀν, so
//
//	β(z) = 2a·sinh(4z),   ∂β/∂z = 8a·cosh(4z),
//	φ*(z) = sup_β ⟨z,β⟩ − φ_α(β) = (a/2)·(cosh(4z) − 1) = a·sinh²(2z),
//
// and the concave dual is D(ν) = ⟨ν,y⟩ − Σ_j φ*_j(z_j) with ∇D = y − Xβ(z)
// and −∇²D = X·diag(8a·cosh(4z))·Xᵀ. Every quantity below is written as
// exp(ln a + 4|z|) times a factor in [0, 2], so a can be as small as e^-1400.

// maxExponent bounds ln a + 4|z|: beyond it β or the Hessian would overflow,
// and the dual point is treated as outside the domain.
const maxExponent = 700

// dualCoordinate returns β_j = 2a·sinh(4z) and φ*_j = a·sinh²(2z) for one
// coordinate, with lnA = ln a = 2·ln α; ok is false on overflow.
func dualCoordinate(z, lnA float64) (beta, conj float64, ok bool) {
	absZ := math.Abs(z)
	e := lnA + 4*absZ
	if e > maxExponent {
		return 0, 0, false
	}
	scale := math.Exp(e)
	// 2a·sinh(4|z|) = a·e^{4|z|}·(1 − e^{−8|z|})
	beta = math.Copysign(scale*-math.Expm1(-8*absZ), z)
	// a·sinh²(2|z|) = a·e^{4|z|}·(1 − e^{−4|z|})²/4
	m := math.Expm1(-4 * absZ)
	conj = 0.25 * scale * m * m
	return beta, conj, true
}

// sqrtCurvature returns √(∂β/∂z) = √(8a·cosh(4z)) = 2·e^{(ln a+4|z|)/2}·√(1+e^{−8|z|}),
// formed without the square so that it does not underflow before the root.
func sqrtCurvature(z, lnA float64) float64 {
	absZ := math.Abs(z)
	return 2 * math.Exp(0.5*(lnA+4*absZ)) * math.Sqrt(1+math.Exp(-8*absZ))
}
