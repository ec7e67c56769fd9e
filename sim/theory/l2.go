package theory

import (
	"gonum.org/v1/gonum/mat"
)

// MinL2 returns the minimum-ℓ₂ interpolator Xᵀ(XXᵀ)⁻¹y, the α → ∞ limit of
// the φ_α argmin (theory.md §3, §7), by a Cholesky solve of XXᵀ. XXᵀ is
// formed by the Newton matrix's kernel (gram.go) with unit weights, in the
// Newton buffers, which are free between solves.
func (s *Solver) MinL2() ([]float64, error) {
	for j := range s.sqrtW {
		s.sqrtW[j] = 1
	}
	s.gram.build(s.sqrtW, s.hess)
	var chol mat.Cholesky
	if !chol.Factorize(mat.NewSymDense(s.n, s.hess)) {
		return nil, notConverged("XXᵀ is not positive definite: X does not have rank n")
	}
	var coef mat.VecDense
	if err := chol.SolveVecTo(&coef, mat.NewVecDense(s.n, append([]float64(nil), s.y...))); err != nil {
		return nil, notConverged("XXᵀ is ill-conditioned: %v", err)
	}
	beta := mat.NewVecDense(s.d, nil)
	beta.MulVec(mat.NewDense(s.n, s.d, s.x).T(), &coef)
	out := beta.RawVector().Data
	if !allFinite(out) {
		return nil, notConverged("non-finite minimum-ℓ₂ solution")
	}
	return out, nil
}
