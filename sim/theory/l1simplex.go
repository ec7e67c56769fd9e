package theory

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// When the support read off a small-α argmin is not quite the basis-pursuit
// support (typical with noisy labels: the support then has n entries and the
// φ_α path reaches it only like α^{2(1−c)} with c the largest inactive dual
// correlation, theory.md §3), the polished point is still a vertex of the LP
//
//	min 1ᵀ(u + v)  s.t.  X(u − v) = y,  u, v ≥ 0,
//
// next to the optimal one. A few primal simplex pivots from it finish the job.
const (
	simplexOptimalityTol = 1e-12
	simplexPivotTol      = 1e-11
)

// basisColumn is the LP column sign·X_j.
type basisColumn struct {
	j    int
	sign float64
}

// simplexFromSupport runs primal simplex from the vertex given by support
// and the values betaS on it (X_S β_S = y), padding the basis to n columns
// with further columns taken in the order of candidates. It returns β and the
// basis dual ν (X_Bᵀν = sign), or ok = false if it cannot form a basis or does
// not reach optimality within maxPivots.
func (s *Solver) simplexFromSupport(support []int, betaS []float64, candidates []int, maxPivots int) (beta, nu []float64, pivots int, ok bool) {
	basis := make([]basisColumn, 0, s.n)
	for k, j := range support {
		basis = append(basis, basisColumn{j, math.Copysign(1, betaS[k])})
	}
	if basis, ok = s.padBasis(basis, candidates); !ok {
		return nil, nil, 0, false
	}
	degenerateRun := 0
	for ; pivots < maxPivots; pivots++ {
		var lu mat.LU
		lu.Factorize(s.basisMatrix(basis))
		xB, nuVec, err := basisSolution(&lu, s.y, s.n)
		if err != nil {
			return nil, nil, pivots, false
		}
		enter, sign, found := s.enteringColumn(basis, nuVec, degenerateRun > s.n)
		if !found {
			return s.basisBeta(basis, xB), nuVec, pivots, true
		}
		var dir mat.VecDense
		col := mat.NewVecDense(s.n, nil)
		for i := 0; i < s.n; i++ {
			col.SetVec(i, sign*s.x[i*s.d+enter])
		}
		if err := lu.SolveVecTo(&dir, false, col); err != nil {
			return nil, nil, pivots, false
		}
		leave, step := ratioTest(xB, &dir)
		if leave < 0 {
			return nil, nil, pivots, false // unbounded: impossible for an ℓ₁ objective
		}
		if step == 0 {
			degenerateRun++
		} else {
			degenerateRun = 0
		}
		basis[leave] = basisColumn{enter, sign}
	}
	return nil, nil, pivots, false
}

// padBasis completes a linearly independent set of columns to n columns.
func (s *Solver) padBasis(basis []basisColumn, candidates []int) ([]basisColumn, bool) {
	if len(basis) == s.n {
		return basis, true
	}
	inBasis := make(map[int]bool, s.n)
	for _, c := range basis {
		inBasis[c.j] = true
	}
	for _, j := range candidates {
		if len(basis) == s.n {
			break
		}
		if inBasis[j] {
			continue
		}
		trial := append(basis, basisColumn{j, 1})
		var qr mat.QR
		qr.Factorize(s.basisMatrix(trial))
		if qr.Cond() < 1e10 {
			basis, inBasis[j] = trial, true
		}
	}
	return basis, len(basis) == s.n
}

// basisMatrix returns [sign_k·X_{j_k}] (n×|basis|).
func (s *Solver) basisMatrix(basis []basisColumn) *mat.Dense {
	b := mat.NewDense(s.n, len(basis), nil)
	for i := 0; i < s.n; i++ {
		for k, c := range basis {
			b.Set(i, k, c.sign*s.x[i*s.d+c.j])
		}
	}
	return b
}

// basisSolution returns x_B = B⁻¹y and the dual ν = B⁻ᵀ1.
func basisSolution(lu *mat.LU, y []float64, n int) (xB, nu []float64, err error) {
	var x, v mat.VecDense
	if err = lu.SolveVecTo(&x, false, mat.NewVecDense(n, append([]float64(nil), y...))); err != nil {
		return nil, nil, err
	}
	ones := mat.NewVecDense(n, nil)
	for i := 0; i < n; i++ {
		ones.SetVec(i, 1)
	}
	if err = lu.SolveVecTo(&v, true, ones); err != nil {
		return nil, nil, err
	}
	return mat.Col(nil, 0, &x), mat.Col(nil, 0, &v), nil
}

// enteringColumn picks a column with negative reduced cost 1 − sign·X_jᵀν:
// the most negative (Dantzig), or the lowest index (Bland, against cycling).
func (s *Solver) enteringColumn(basis []basisColumn, nu []float64, bland bool) (int, float64, bool) {
	inBasis := make(map[int]bool, len(basis))
	for _, c := range basis {
		inBasis[c.j] = true
	}
	correlations := make([]float64, s.d)
	blas64.Gemv(blas.Trans, 1, s.xMat, vec(nu), 0, vec(correlations))
	enter, sign, worst := -1, 0.0, -simplexOptimalityTol
	for j := 0; j < s.d; j++ {
		if inBasis[j] {
			continue
		}
		corr := correlations[j]
		if reduced := 1 - math.Abs(corr); reduced < worst {
			enter, sign, worst = j, math.Copysign(1, corr), reduced
			if bland {
				break
			}
		}
	}
	return enter, sign, enter >= 0
}

// ratioTest returns the basis position that leaves first along x_B − t·dir,
// and t; -1 when no entry decreases.
func ratioTest(xB []float64, dir *mat.VecDense) (int, float64) {
	leave, step := -1, math.Inf(1)
	for i, x := range xB {
		if d := dir.AtVec(i); d > simplexPivotTol {
			if t := math.Max(x, 0) / d; t < step {
				leave, step = i, t
			}
		}
	}
	return leave, step
}

func (s *Solver) basisBeta(basis []basisColumn, xB []float64) []float64 {
	beta := make([]float64, s.d)
	for k, c := range basis {
		beta[c.j] = c.sign * math.Max(xB[k], 0)
	}
	return beta
}
