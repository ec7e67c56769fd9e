package theory

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// Continuation in α (theory.md §7). A cold Newton solve from ν = 0 at
// α = 1e-30 would spend ~ln(1/α²)/radius steps just growing the support
// coordinates, so for min α ≤ continuationBelowAlpha the solve walks
// ln α(s) = s·ln α_target with s rising geometrically from the stage where
// min α = continuationStartAlpha. Each stage is seeded by a predictor (the
// tangent dν/ds or the secant through the two previous stages: ν grows about
// linearly in ln(1/α)), so it takes a few Newton steps.
const (
	continuationBelowAlpha = 1e-3
	continuationStartAlpha = 0.03
	initialStageRatio      = 2.0
	maxStageRatio          = 8.0
	minStageRatio          = 1.01
	// stageRelTol is the relative residual an intermediate stage is solved
	// to: its ν only seeds the next stage.
	stageRelTol = 1e-3
	// maxStageLogStep caps the change of ln α² from one stage to the next:
	// the predictors are linear and overshoot (β grows like e^{4z}) on longer
	// steps.
	maxStageLogStep = 40
	// stageMaxIter caps one stage: a stage that needs more is retried from
	// the previous one with a smaller step in s.
	stageMaxIter = 20
	// warmMaxIter caps a warm-started attempt before the solve starts over.
	warmMaxIter = 40
	// stageMaxIter caps one continuation stage: a stage that needs more is
	// retried from the previous one with a smaller step in s.
)

// PhiResult is the φ_α argmin and its dual.
type PhiResult struct {
	Beta []float64 // the argmin (freshly allocated)
	// Nu is the dual (freshly allocated): ∇φ_α(β) − tilt = Xᵀν. Pass it as
	// warmNu to a nearby solve. For α → 0 it grows like ½·ln(1/α)·ν_BP.
	Nu         []float64
	Iterations int     // Newton steps, all stages and attempts
	Residual   float64 // ‖Xβ − y‖₂
}

// PhiArgmin returns argmin { φ_α(β) − ⟨tilt, β⟩ : Xβ = y } (theory.md §3, §5,
// §7) for α = exp(lnAlpha) per coordinate. tilt may be nil (zero). warmNu
// (length n) may be nil; a good one, such as the Nu of a solve at a nearby α
// or tilt, makes the solve take a few Newton steps, and a bad one only costs
// the attempt: the solve then starts over cold.
//
// The solve stops at ‖Xβ − y‖ ≤ Tol·max(1, ‖y‖), or, when rounding makes that
// unreachable (huge β, e.g. a tilt at large α), at a residual within a small
// factor of the rounding floor of Xβ; Residual reports the value reached.
// Apart from the returned slices it does not allocate.
func (s *Solver) PhiArgmin(lnAlpha, tilt, warmNu []float64) (PhiResult, error) {
	if err := s.checkPhiInputs(lnAlpha, tilt, warmNu); err != nil {
		return PhiResult{}, err
	}
	copy(s.lnAlphaTarget, lnAlpha)
	if tilt == nil {
		clear(s.tilt)
	} else {
		copy(s.tilt, tilt)
	}
	iters, err := s.solvePhi(warmNu)
	if err != nil {
		return PhiResult{Iterations: iters}, err
	}
	return PhiResult{
		Beta:       append([]float64(nil), s.beta...),
		Nu:         append([]float64(nil), s.nu...),
		Iterations: iters,
		Residual:   vecNorm(s.res),
	}, nil
}

func (s *Solver) checkPhiInputs(lnAlpha, tilt, warmNu []float64) error {
	if len(lnAlpha) != s.d {
		return invalidInput("len(lnAlpha) = %d, want d = %d", len(lnAlpha), s.d)
	}
	if tilt != nil && len(tilt) != s.d {
		return invalidInput("len(tilt) = %d, want d = %d", len(tilt), s.d)
	}
	if warmNu != nil && len(warmNu) != s.n {
		return invalidInput("len(warmNu) = %d, want n = %d", len(warmNu), s.n)
	}
	if !allFinite(lnAlpha) || !allFinite(tilt) || !allFinite(warmNu) || !allFinite(s.y) || !allFinite(s.x) {
		return invalidInput("non-finite entry in lnAlpha, tilt, warmNu, X or y")
	}
	return nil
}

// solvePhi leaves the solution in s.nu, s.beta, s.res. It tries the warm
// start, then a direct cold solve (α not small) or continuation (α small).
func (s *Solver) solvePhi(warmNu []float64) (int, error) {
	s.haveFactor = false
	tol, budget := s.tol(), s.maxIter()
	iters := 0
	if warmNu != nil {
		copy(s.nu, warmNu)
		s.setStage(1)
		k, err := s.newton(s.nu, tol, min(warmMaxIter, budget))
		iters += k
		if err == nil {
			return iters, nil
		}
	}
	if minOf(s.lnAlphaTarget) > math.Log(continuationBelowAlpha) {
		clear(s.nu)
		s.setStage(1)
		k, err := s.newton(s.nu, tol, budget-iters)
		return iters + k, err
	}
	k, err := s.continuation(tol, budget-iters)
	return iters + k, err
}

// setStage sets ln α² = 2·stage·ln α_target.
func (s *Solver) setStage(stage float64) {
	for j, l := range s.lnAlphaTarget {
		s.lnA[j] = 2 * stage * l
	}
}

// continuation solves the stages s_0 < s_1 < … < 1. The ratio s_{k+1}/s_k
// grows while stages are easy and shrinks when one fails; a failed stage is
// retried from the last solved one.
func (s *Solver) continuation(tol float64, budget int) (int, error) {
	stageTol := math.Max(tol, stageRelTol*math.Max(1, s.yNorm))
	first := math.Log(continuationStartAlpha) / minOf(s.lnAlphaTarget)
	iters, err := s.firstStage(first, stageTol, budget)
	if err != nil {
		return iters, fmt.Errorf("continuation, first stage (min α = %g): %w", continuationStartAlpha, err)
	}
	// The cap on a stage's change of ln α² starts at maxStageLogStep and
	// grows with easy stages like the ratio does, so that a target as small
	// as ln α = −1e8 (a long, noisy SGF run) takes tens of stages, not
	// millions; every stage counts against the budget, so nothing can spin.
	minStep := maxStageLogStep / (-2 * minOf(s.lnAlphaTarget))
	maxStep := minStep
	prevStage, stage, ratio, havePrev := 0.0, first, initialStageRatio, false
	for stages := 0; stage < 1; stages++ {
		if stages >= budget {
			return iters, notConverged("continuation: %d stages reached only stage %.4g of 1", stages, stage)
		}
		next := math.Min(1, math.Min(stage*ratio, stage+maxStep))
		nextTol := stageTol
		if next == 1 {
			nextTol = tol
		}
		copy(s.nuSaved, s.nu)
		s.predict(prevStage, stage, next, havePrev)
		k, err := s.newton(s.nu, nextTol, min(stageMaxIter, budget-iters))
		iters += k
		if err != nil && s.Context != nil && s.Context.Err() != nil {
			return iters, err
		}
		if err != nil {
			copy(s.nu, s.nuSaved)
			ratio = math.Sqrt(ratio)
			maxStep = math.Max(minStep, maxStep/2)
			if ratio < minStageRatio || iters >= budget {
				return iters, fmt.Errorf("continuation stuck after stage %.4g of 1: %w", stage, err)
			}
			continue
		}
		copy(s.nuPrev, s.nuSaved)
		prevStage, stage, havePrev = stage, next, true
		if s.settled != nil && stage < 1 && s.settled(prevStage, stage) {
			return iters, errSettled
		}
		if k <= 3 {
			ratio = math.Min(1.5*ratio, maxStageRatio)
			maxStep *= 1.5
		}
	}
	return iters, nil
}

// firstStage solves the continuation's first stage, from s.seed when set
// (scaled to the stage's α, ν growing like ln(1/α)) and otherwise, or if
// that fails, from ν = 0.
func (s *Solver) firstStage(first, tol float64, budget int) (int, error) {
	s.setStage(first)
	iters := 0
	if s.seed.nu != nil {
		copy(s.nu, s.seed.nu)
		blas64.Scal(first*minOf(s.lnAlphaTarget)/s.seed.lnAlpha, vec(s.nu))
		k, err := s.newton(s.nu, tol, min(warmMaxIter, budget))
		if iters += k; err == nil {
			return iters, nil
		}
	}
	clear(s.nu)
	k, err := s.newton(s.nu, tol, budget-iters)
	return iters + k, err
}

// predict seeds stage next (in s.nu, which holds the solution of stage cur)
// with the best, by the dual value D at stage next, of: that solution scaled
// by next/cur (ν ∝ ln(1/α) asymptotically), its tangent extrapolation, and
// the secant extrapolation through stage prev (whose solution is s.nuPrev).
// It leaves the stage set to next.
func (s *Solver) predict(prev, cur, next float64, havePrev bool) {
	s.setStage(cur)
	if _, ok := s.evaluate(s.nu, s.z, s.beta, s.res); ok {
		s.tangent(s.nuTangent)
	} else {
		clear(s.nuTangent)
	}
	copy(s.nuSaved, s.nu)
	s.setStage(next)
	blas64.Scal(next/cur, vec(s.nu))
	best, ok := s.evaluate(s.nu, s.z, s.beta, s.res)
	if !ok {
		best.value = math.Inf(-1)
	}
	// candidate evaluates s.nuTry and keeps it if D is larger.
	candidate := func() {
		if p, ok := s.evaluate(s.nuTry, s.zTry, s.betaTry, s.resTry); ok && p.value > best.value {
			best = p
			copy(s.nu, s.nuTry)
		}
	}
	copy(s.nuTry, s.nuSaved)
	blas64.Axpy(next-cur, vec(s.nuTangent), vec(s.nuTry))
	candidate()
	if havePrev {
		copy(s.nuTry, s.nuSaved)
		f := (next - cur) / (cur - prev)
		for i := range s.nuTry {
			s.nuTry[i] += f * (s.nuSaved[i] - s.nuPrev[i])
		}
		candidate()
	}
}

// tangent writes dν/ds at the solution in s.z, s.beta: differentiating
// X·β(tilt + Xᵀν, s) = y in s with ∂β/∂(ln a) = β, d(ln a)/ds = 2·ln α_target
// gives (X·diag(w)·Xᵀ)·dν/ds = −X·(2·ln α_target ⊙ β).
//
// The matrix is the one the stage's last Newton step factored, at the point
// one step before the solution: the tangent only seeds a predictor (the
// best of three by D), and a fresh n²d product and n³ factorisation per
// stage would cost as much as a Newton step.
func (s *Solver) tangent(dst []float64) {
	tri, ok := s.lastFactor, s.haveFactor
	if !ok {
		s.buildHessian()
		s.damping = 0
		tri, ok = s.factorHessian()
	}
	if !ok {
		clear(dst)
		return
	}
	for j, b := range s.beta {
		s.dz[j] = -2 * b * s.lnAlphaTarget[j]
	}
	blas64.Gemv(blas.NoTrans, 1, s.xMat, vec(s.dz), 0, vec(dst))
	for i := range dst {
		dst[i] *= s.jacobi[i]
	}
	lapack64.Potrs(tri, blas64.General{Rows: s.n, Cols: 1, Stride: 1, Data: dst})
	for i := range dst {
		dst[i] *= s.jacobi[i]
	}
	if !allFinite(dst) {
		clear(dst)
	}
}

func minOf(v []float64) float64 {
	m := math.Inf(1)
	for _, x := range v {
		m = math.Min(m, x)
	}
	return m
}

func allFinite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

func vecNorm(v []float64) float64 { return blas64.Nrm2(vec(v)) }
