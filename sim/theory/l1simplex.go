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
//
// It is the revised simplex method with an explicit basis inverse, updated by
// one rank-one (product-form) step per pivot and refactorised every
// simplexRefactorEvery pivots and before optimality is declared: a pivot then
// costs one pricing product Xᵀν (nd) and O(n²) updates instead of a new
// factorisation (n³), which is what a few hundred pivots at n = 400 need.
func (s *Solver) simplexFromSupport(support []int, betaS []float64, candidates []int, maxPivots int) (beta, nu []float64, pivots int, ok bool) {
	basis := make([]basisColumn, 0, s.n)
	for k, j := range support {
		basis = append(basis, basisColumn{j, math.Copysign(1, betaS[k])})
	}
	if basis, ok = s.padBasis(basis, candidates); !ok {
		return nil, nil, 0, false
	}
	sx := newSimplexState(s, basis)
	if !sx.refactor() {
		return nil, nil, 0, false
	}
	degenerateRun, sinceRefactor := 0, 0
	for ; pivots < maxPivots; pivots++ {
		enter, sign, found := s.enteringColumn(sx.inBasis, sx.nu, degenerateRun > s.n)
		if !found && sinceRefactor > 0 { // confirm with a fresh inverse
			if !sx.refactor() {
				return nil, nil, pivots, false
			}
			sinceRefactor = 0
			enter, sign, found = s.enteringColumn(sx.inBasis, sx.nu, degenerateRun > s.n)
		}
		if !found {
			return s.basisBeta(sx.basis, sx.xB), sx.nu, pivots, true
		}
		sx.direction(enter, sign)
		leave, step := ratioTest(sx.xB, sx.dir)
		if leave < 0 {
			return nil, nil, pivots, false // unbounded: impossible for an ℓ₁ objective
		}
		if step == 0 {
			degenerateRun++
		} else {
			degenerateRun = 0
		}
		sx.pivot(leave, step, basisColumn{enter, sign})
		if sinceRefactor++; sinceRefactor >= simplexRefactorEvery {
			if !sx.refactor() {
				return nil, nil, pivots, false
			}
			sinceRefactor = 0
		}
	}
	return nil, nil, pivots, false
}

// simplexRefactorEvery bounds the rank-one updates between two fresh
// inverses, which keeps their rounding error from growing.
const simplexRefactorEvery = 64

// simplexState is the basis of the LP with its inverse B⁻¹ (row-major n×n),
// the basic values x_B = B⁻¹y and the dual ν = B⁻ᵀ1 (every LP cost is 1).
type simplexState struct {
	s       *Solver
	basis   []basisColumn
	inBasis []bool // by column of X
	binv    []float64
	xB, nu  []float64
	col     []float64 // the entering column sign·X_j
	dir     []float64 // B⁻¹·col
	row     []float64 // scratch: the pivot row of B⁻¹
}

func newSimplexState(s *Solver, basis []basisColumn) *simplexState {
	n := s.n
	sx := &simplexState{s: s, basis: basis, inBasis: make([]bool, s.d), binv: make([]float64, n*n),
		xB: make([]float64, n), nu: make([]float64, n), col: make([]float64, n), dir: make([]float64, n), row: make([]float64, n)}
	for _, c := range basis {
		sx.inBasis[c.j] = true
	}
	return sx
}

// refactor recomputes B⁻¹, x_B and ν from the basis.
func (sx *simplexState) refactor() bool {
	n := sx.s.n
	var inv mat.Dense
	if err := inv.Inverse(sx.s.basisMatrix(sx.basis)); err != nil {
		return false // singular or too ill-conditioned to pivot on
	}
	copy(sx.binv, inv.RawMatrix().Data)
	if inv.RawMatrix().Stride != n {
		return false
	}
	sx.solveValues()
	return allFinite(sx.xB) && allFinite(sx.nu)
}

// solveValues sets x_B = B⁻¹y and ν = B⁻ᵀ1 = the column sums of B⁻¹.
func (sx *simplexState) solveValues() {
	n := sx.s.n
	b := blas64.General{Rows: n, Cols: n, Stride: n, Data: sx.binv}
	blas64.Gemv(blas.NoTrans, 1, b, vec(sx.s.y), 0, vec(sx.xB))
	clear(sx.nu)
	for i := range n {
		blas64.Axpy(1, vec(sx.binv[i*n:(i+1)*n]), vec(sx.nu))
	}
}

// direction sets dir = B⁻¹·(sign·X_enter).
func (sx *simplexState) direction(enter int, sign float64) {
	s := sx.s
	for i := range s.n {
		sx.col[i] = sign * s.x[i*s.d+enter]
	}
	n := s.n
	blas64.Gemv(blas.NoTrans, 1, blas64.General{Rows: n, Cols: n, Stride: n, Data: sx.binv}, vec(sx.col), 0, vec(sx.dir))
}

// pivot replaces basis position r by c, moving x_B by step along dir, and
// updates B⁻¹ by the elementary row operations that make dir the r-th unit
// vector.
func (sx *simplexState) pivot(r int, step float64, c basisColumn) {
	n := sx.s.n
	sx.inBasis[sx.basis[r].j] = false
	sx.inBasis[c.j] = true
	sx.basis[r] = c
	for i := range sx.xB {
		sx.xB[i] -= step * sx.dir[i]
	}
	sx.xB[r] = step
	pr := sx.dir[r]
	rowR := sx.binv[r*n : (r+1)*n]
	blas64.Scal(1/pr, vec(rowR))
	copy(sx.row, rowR)
	for i := range n {
		if i != r && sx.dir[i] != 0 {
			blas64.Axpy(-sx.dir[i], vec(sx.row), vec(sx.binv[i*n:(i+1)*n]))
		}
	}
	// ν = B⁻ᵀ1 = Σ_i (row i of B⁻¹): recomputed, O(n²) like the update.
	clear(sx.nu)
	for i := range n {
		blas64.Axpy(1, vec(sx.binv[i*n:(i+1)*n]), vec(sx.nu))
	}
}

// padBasis completes a linearly independent set of columns to n columns,
// taking candidates in order and skipping those (nearly) in the span of the
// columns already taken (independentColumns).
func (s *Solver) padBasis(basis []basisColumn, candidates []int) ([]basisColumn, bool) {
	if len(basis) == s.n {
		return basis, true
	}
	sign := make(map[int]float64, s.n)
	order := make([]int, 0, len(basis)+len(candidates))
	for _, c := range basis {
		sign[c.j] = c.sign
		order = append(order, c.j)
	}
	for _, j := range candidates {
		if _, in := sign[j]; !in {
			order = append(order, j)
		}
	}
	padded := make([]basisColumn, 0, s.n)
	for _, j := range s.independentColumns(order, s.n) {
		sg, in := sign[j]
		if !in {
			sg = 1
		}
		padded = append(padded, basisColumn{j, sg})
	}
	return padded, len(padded) == s.n
}

// basisMatrix returns [sign_k·X_{j_k}] (n×|basis|).
func (s *Solver) basisMatrix(basis []basisColumn) *mat.Dense {
	m := len(basis)
	data := make([]float64, s.n*m)
	for i := 0; i < s.n; i++ {
		row := s.x[i*s.d : (i+1)*s.d]
		for k, c := range basis {
			data[i*m+k] = c.sign * row[c.j]
		}
	}
	return mat.NewDense(s.n, m, data)
}

// enteringColumn picks a column with negative reduced cost 1 − sign·X_jᵀν:
// the most negative (Dantzig), or the lowest index (Bland, against cycling).
func (s *Solver) enteringColumn(inBasis []bool, nu []float64, bland bool) (int, float64, bool) {
	correlations := s.dz // scratch of length d, free outside the φ_α solves
	blas64.Gemv(blas.Trans, 1, s.xMat, vec(nu), 0, vec(correlations))
	enter, sign, worst := -1, 0.0, -simplexOptimalityTol
	for j, corr := range correlations {
		if inBasis[j] {
			continue
		}
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
func ratioTest(xB, dir []float64) (int, float64) {
	leave, step := -1, math.Inf(1)
	for i, x := range xB {
		if d := dir[i]; d > simplexPivotTol {
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
