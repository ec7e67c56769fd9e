// Package theory solves for the limits the theory predicts: the
// hyperbolic-entropy argmin (the gradient-flow limit, theory.md §3/§7), the
// minimum-ℓ₁ and minimum-ℓ₂ interpolators, the sharpness of an
// interpolator (§5), and the saddle-to-saddle schedule of small-α gradient
// flow (§9).
package theory

import (
	"context"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Defaults of the φ_α solver (theory.md §7).
const (
	// DefaultTol is the relative residual tolerance: a solve stops at
	// ‖Xβ − y‖ ≤ Tol·max(1, ‖y‖).
	DefaultTol = 1e-12
	// DefaultMaxIter caps the Newton steps of one PhiArgmin call, all
	// continuation stages included.
	DefaultMaxIter = 400
)

// Solver holds the data and the preallocated workspaces of the φ_α, ℓ₁ and ℓ₂
// solvers. It can be reused for any number of solves on the same (X, y) and
// is not safe for concurrent use.
type Solver struct {
	n, d  int
	x, y  []float64
	xMat  blas64.General
	yNorm float64

	// Tol is the relative residual tolerance (DefaultTol when zero).
	Tol float64
	// MaxIter caps the Newton steps of one PhiArgmin call (DefaultMaxIter
	// when zero).
	MaxIter int
	// Context, when set, is checked before every Newton step: a cancelled
	// solve returns its error (wrapping context.Canceled or
	// DeadlineExceeded), so a caller that is shutting down need not wait.
	Context context.Context

	// settled, when set, is asked after every intermediate continuation
	// stage (prev, cur in s; the solutions in nuPrev and nu, beta) whether
	// the caller has what it needs; if so the solve ends with errSettled.
	settled func(prev, cur float64) bool
	// seed, when its nu is set, starts the first continuation stage
	// (MinL1From).
	seed struct {
		nu      []float64
		lnAlpha float64
	}

	newtonWork
}

// newtonWork is every buffer one Newton solve touches, allocated once.
type newtonWork struct {
	lnA, tilt              []float64 // ln α² of the current stage; tilt (d)
	z, beta, zTry, betaTry []float64 // dual point and trial point (d)
	dz, sqrtW              []float64 // Xᵀ·step; √(∂β/∂z) (d)
	gram                   *gram     // forms X·diag(w)·Xᵀ
	hess, factor           []float64 // n×n: −∇²D and its damped, scaled Cholesky factor
	jacobi                 []float64 // Jacobi scaling 1/√diag(−∇²D) (n)
	res, resTry            []float64 // y − Xβ at the point and at the trial (n)
	step, nuTry            []float64 // Newton step and trial ν (n)
	nu, nuPrev, nuSaved    []float64 // continuation iterates (n)
	nuTangent              []float64 // dν/ds at a solved stage (n)
	lnAlphaTarget          []float64 // copy of the requested ln α (d)
	damping, radius        float64
	// lastFactor is the Cholesky factor of the last Newton step of the
	// current solve (in factor), when haveFactor; scaled by jacobi.
	lastFactor blas64.Triangular
	haveFactor bool
}

// NewSolver prepares a solver for the n×d row-major design X (row i is
// X[i*d:(i+1)*d]) and labels y, with n < d and X of rank n so that
// interpolators exist (theory.md §1). X and y are not copied and must not
// change while the solver is in use. It panics on inconsistent lengths.
func NewSolver(n, d int, X, y []float64) *Solver {
	if n <= 0 || d <= 0 || len(X) != n*d || len(y) != n {
		panic("theory: NewSolver: inconsistent dimensions")
	}
	s := &Solver{
		n: n, d: d, x: X, y: y,
		xMat: blas64.General{Rows: n, Cols: d, Stride: d, Data: X},
	}
	s.yNorm = blas64.Nrm2(vec(y))
	dv := func() []float64 { return make([]float64, d) }
	nv := func() []float64 { return make([]float64, n) }
	s.newtonWork = newtonWork{
		lnA: dv(), tilt: dv(),
		z: dv(), beta: dv(), zTry: dv(), betaTry: dv(), dz: dv(), sqrtW: dv(),
		gram: newGram(n, d, X),
		hess: make([]float64, n*n), factor: make([]float64, n*n),
		jacobi: nv(), res: nv(), resTry: nv(), step: nv(), nuTry: nv(),
		nu: nv(), nuPrev: nv(), nuSaved: nv(), nuTangent: nv(),
		lnAlphaTarget: dv(),
	}
	return s
}

// Dims returns n and d.
func (s *Solver) Dims() (n, d int) { return s.n, s.d }

func (s *Solver) tol() float64 {
	t := s.Tol
	if t <= 0 {
		t = DefaultTol
	}
	return t * math.Max(1, s.yNorm)
}

func (s *Solver) maxIter() int {
	if s.MaxIter <= 0 {
		return DefaultMaxIter
	}
	return s.MaxIter
}

func vec(v []float64) blas64.Vector { return blas64.Vector{N: len(v), Data: v, Inc: 1} }

// dualPoint is what the line search needs to know about a dual iterate.
type dualPoint struct {
	value   float64 // D(ν)
	scale   float64 // |⟨ν,y⟩| + Σφ*: the magnitude D is rounded at
	resNorm float64 // ‖y − Xβ(ν)‖
}

// evaluate computes z = tilt + Xᵀν, then β(z), res = y − Xβ and D(ν)
// (dual.go). ok is false when ν lies where β would overflow.
func (s *Solver) evaluate(nu, z, beta, res []float64) (dualPoint, bool) {
	copy(z, s.tilt)
	blas64.Gemv(blas.Trans, 1, s.xMat, vec(nu), 1, vec(z))
	return s.evaluateAt(nu, z, beta, res)
}

// evaluateAt is evaluate for a z already equal to tilt + Xᵀν. Newton updates
// z by z + t·Xᵀ·step instead of recomputing it: when ν is large and z small
// (large α, or columns of X on very different scales) recomputing Xᵀν
// cancels, and its rounding error of ε·Σ_k|X_kj ν_k| would cap the residual
// Newton can reach; the increments shrink with the steps.
func (s *Solver) evaluateAt(nu, z, beta, res []float64) (dualPoint, bool) {
	var conjSum float64
	for j, zj := range z {
		b, c, ok := dualCoordinate(zj, s.lnA[j])
		if !ok {
			return dualPoint{}, false
		}
		beta[j] = b
		conjSum += c
	}
	copy(res, s.y)
	blas64.Gemv(blas.NoTrans, -1, s.xMat, vec(beta), 1, vec(res))
	lin := blas64.Dot(vec(nu), vec(s.y))
	pt := dualPoint{value: lin - conjSum, scale: math.Abs(lin) + conjSum, resNorm: blas64.Nrm2(vec(res))}
	ok := !math.IsInf(pt.value, 0) && !math.IsNaN(pt.value) && !math.IsInf(pt.resNorm, 0) && !math.IsNaN(pt.resNorm)
	return pt, ok
}
