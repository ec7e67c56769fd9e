package theory

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// Newton on the concave dual D (theory.md §7, dual.go).
const (
	armijoSlope = 1e-4
	// initialRadius bounds max|4·Xᵀ·step| on the first step: β changes by at
	// most a factor e^radius per step, which keeps the exponentials of the
	// dual map from overshooting.
	initialRadius = 4
	minRadius     = 0.25
	maxRadius     = 256
	maxHalvings   = 50
	// The Levenberg–Marquardt damping is relative to the unit diagonal of the
	// Jacobi-scaled Hessian.
	minDamping = 1e-13
	maxDamping = 1e8
	// roundingFactor·ε·|D| is the level below which differences of D are
	// rounding noise and the line search tests the residual instead.
	roundingFactor = 1e3
	// A stalled solve counts as converged when its residual is within
	// floorFactor times the rounding floor of y − Xβ(ν) (roundingFloor).
	floorFactor = 32
)

// newton maximises D from nu (updated in place) until ‖y − Xβ‖ ≤ tol, using
// the stage set in s.lnA and s.tilt. It returns the number of Newton steps.
func (s *Solver) newton(nu []float64, tol float64, maxIter int) (int, error) {
	cur, ok := s.evaluate(nu, s.z, s.beta, s.res)
	if !ok {
		return 0, notConverged("the starting dual point overflows")
	}
	s.damping, s.radius = 0, initialRadius
	iters := 0
	for cur.resNorm > tol {
		if s.Context != nil && s.Context.Err() != nil {
			return iters, fmt.Errorf("theory: solve stopped: %w", s.Context.Err())
		}
		if iters >= maxIter {
			// Steps that still pass the line search by rounding-level
			// decreases can use up the budget at the floor: that is as
			// converged as a stall there.
			if cur.resNorm <= floorFactor*s.roundingFloor() {
				return iters, nil
			}
			return iters, notConverged("%d Newton steps, residual %.3g > %.3g", iters, cur.resNorm, tol)
		}
		slope, length, truncated, ok := s.newtonStep()
		if !ok {
			return iters, notConverged("Hessian not positive definite with damping %.3g, residual %.3g", s.damping, cur.resNorm)
		}
		iters++
		next, t, accepted := cur, 0.0, false
		if slope > 0 {
			next, t, accepted = s.lineSearch(nu, cur, slope, length, truncated)
		}
		if !accepted {
			if cur.resNorm <= floorFactor*s.roundingFloor() {
				return iters, nil
			}
			// Steps along this direction do not improve D: fall back to a
			// more gradient-like, shorter step (Levenberg–Marquardt).
			s.damping = math.Max(100*s.damping, 1e-6)
			s.radius = math.Max(s.radius/4, minRadius)
			if s.damping > maxDamping {
				return iters, notConverged("line search stalled at residual %.3g (tolerance %.3g)", cur.resNorm, tol)
			}
			continue
		}
		cur = next
		s.adaptAfterStep(t, length, truncated)
	}
	return iters, nil
}

// adaptAfterStep grows the trust region after a full truncated step, shrinks
// it to the accepted length after backtracking, and relaxes the damping.
func (s *Solver) adaptAfterStep(t, length float64, truncated bool) {
	switch {
	case t >= 1 && truncated:
		s.radius = math.Min(2*s.radius, maxRadius)
	case t < 1:
		s.radius = math.Max(t*length, minRadius)
	}
	if t >= 1 {
		s.damping /= 10
		if s.damping < minDamping {
			s.damping = 0
		}
	}
}

// newtonStep solves (−∇²D)·step = ∇D at the current point with Jacobi
// scaling and damping, then truncates the step to the trust region on
// max|4·Xᵀ·step|. It returns the directional derivative ⟨∇D, step⟩ and the
// (truncated) length max|4·Xᵀ·step|.
func (s *Solver) newtonStep() (slope, length float64, truncated, ok bool) {
	s.buildHessian()
	tri, ok := s.factorHessian()
	s.lastFactor, s.haveFactor = tri, ok
	if !ok {
		return 0, 0, false, false
	}
	for i, r := range s.res {
		s.step[i] = s.jacobi[i] * r
	}
	lapack64.Potrs(tri, blas64.General{Rows: s.n, Cols: 1, Stride: 1, Data: s.step})
	for i := range s.step {
		s.step[i] *= s.jacobi[i]
	}
	blas64.Gemv(blas.Trans, 1, s.xMat, vec(s.step), 0, vec(s.dz))
	length = 4 * math.Abs(s.dz[blas64.Iamax(vec(s.dz))])
	if length > s.radius {
		blas64.Scal(s.radius/length, vec(s.step))
		blas64.Scal(s.radius/length, vec(s.dz))
		length, truncated = s.radius, true
	}
	// slope > 0 unless rounding dominates; NaN (overflowed step) fails it too.
	slope = blas64.Dot(vec(s.res), vec(s.step))
	if math.IsInf(slope, 0) || math.IsNaN(length) {
		slope = 0
	}
	return slope, length, truncated, true
}

// buildHessian fills the upper triangle of −∇²D = X·diag(8α²cosh 4z)·Xᵀ as
// (X·diag √w)(X·diag √w)ᵀ (gram.go, on two cores at large n²d), and the
// Jacobi scaling 1/√diag.
func (s *Solver) buildHessian() {
	for j, zj := range s.z {
		s.sqrtW[j] = sqrtCurvature(zj, s.lnA[j])
	}
	s.gram.build(s.sqrtW, s.hess)
	for i := range s.jacobi {
		h := s.hess[i*s.n+i]
		s.jacobi[i] = 1
		if h > 0 && !math.IsInf(h, 0) {
			s.jacobi[i] = 1 / math.Sqrt(h)
		}
	}
}

// factorHessian Cholesky-factors J·(−∇²D)·J + μI, raising the damping μ
// until the factorisation succeeds: for tiny α only support coordinates carry
// weight and −∇²D is numerically rank-deficient.
func (s *Solver) factorHessian() (blas64.Triangular, bool) {
	n := s.n
	for {
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				s.factor[i*n+j] = s.hess[i*n+j] * s.jacobi[i] * s.jacobi[j]
			}
			s.factor[i*n+i] += s.damping
		}
		tri, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Upper, N: n, Stride: n, Data: s.factor})
		if ok {
			return tri, true
		}
		s.damping = math.Max(10*s.damping, minDamping*10)
		if s.damping > maxDamping {
			return tri, false
		}
	}
}

// lineSearch backtracks from the full step: Armijo on D while D's changes
// are resolvable, a residual-decrease test once they are at rounding level.
// On success ν and the current-point buffers hold the accepted point.
func (s *Solver) lineSearch(nu []float64, cur dualPoint, slope, length float64, truncated bool) (dualPoint, float64, bool) {
	t := 1.0
	for range maxHalvings {
		next, ok := s.trialPoint(nu, t)
		if ok && s.acceptable(cur, next, t*slope) {
			s.acceptTrial(nu)
			if t == 1 && !truncated {
				next, t = s.expand(nu, next, cur.resNorm, s.radius/length)
			}
			return next, t, true
		}
		t /= 2
	}
	return cur, 0, false
}

func (s *Solver) acceptable(cur, next dualPoint, predicted float64) bool {
	rounding := roundingFactor * eps * math.Max(cur.scale, next.scale)
	if predicted > rounding {
		return next.value >= cur.value+armijoSlope*predicted
	}
	return next.resNorm < cur.resNorm
}

const eps = 0x1p-52

// trialPoint evaluates ν + t·step, with z updated by t·Xᵀ·step (see
// evaluateAt), into the trial buffers.
func (s *Solver) trialPoint(nu []float64, t float64) (dualPoint, bool) {
	copy(s.nuTry, nu)
	blas64.Axpy(t, vec(s.step), vec(s.nuTry))
	copy(s.zTry, s.z)
	blas64.Axpy(t, vec(s.dz), vec(s.zTry))
	return s.evaluateAt(s.nuTry, s.zTry, s.betaTry, s.resTry)
}

func (s *Solver) acceptTrial(nu []float64) {
	copy(nu, s.nuTry)
	s.z, s.zTry = s.zTry, s.z
	s.beta, s.betaTry = s.betaTry, s.beta
	s.res, s.resTry = s.resTry, s.res
}

// expand keeps doubling a full, untruncated Newton step that reduced the
// residual poorly, as long as D keeps increasing and the total stays within
// the trust region: on the exponential dual map a coordinate that is far too
// large shrinks by only a factor e per Newton step. It returns the total
// multiple of the step taken.
func (s *Solver) expand(nu []float64, at dualPoint, startRes, maxT float64) (dualPoint, float64) {
	t := 1.0
	for at.resNorm > 0.25*startRes && 2*t <= maxT {
		next, ok := s.trialPoint(nu, t)
		rounding := roundingFactor * eps * math.Max(at.scale, next.scale)
		if !ok || next.value <= at.value+rounding {
			break
		}
		s.acceptTrial(nu)
		at, t = next, 2*t
	}
	return at, t
}

// roundingFloor estimates the residual rounding alone leaves at the current
// point: z_j is held to ε·|z_j|, which moves β_j by w_j·ε·|z_j|
// (w = ∂β/∂z), and the products X·β add ε·|X|·|β|. Large α with a tilt
// (β ~ 8α²·tilt), columns of X on very different scales or α ≈ 1e-300 can put
// it near the tolerance. It uses s.resTry as scratch.
func (s *Solver) roundingFloor() float64 {
	for i := 0; i < s.n; i++ {
		var sum float64
		for j, xij := range s.x[i*s.d : (i+1)*s.d] {
			w := sqrtCurvature(s.z[j], s.lnA[j])
			sum += math.Abs(xij) * (math.Abs(s.beta[j]) + w*w*math.Abs(s.z[j]))
		}
		s.resTry[i] = sum + math.Abs(s.y[i])
	}
	return eps * blas64.Nrm2(vec(s.resTry))
}
