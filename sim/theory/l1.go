package theory

import (
	"cmp"
	"errors"
	"math"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Basis pursuit from the φ_α solver (theory.md §3, §7): as α → 0 the φ_α
// argmin tends to the minimum-ℓ₁ interpolator and its dual ν, scaled by
// 2/ln(1/α), to a basis-pursuit dual (for small α, ∇φ_α(β) ≈
// ½·ln(1/α)·sign(β) + ¼·ln|β|·sign(β)). MinL1 solves at α = 1e-12, polishes
// the identified support by least squares and certifies optimality by a dual
// vector; if that fails it retries at smaller α, then takes simplex pivots.
var l1LogAlphas = []float64{-12 * math.Ln10, -24 * math.Ln10, -48 * math.Ln10, -96 * math.Ln10, -192 * math.Ln10}

// Tolerances of the ℓ₁ certificate.
const (
	// L1DualTol is the largest accepted ‖Xᵀν‖_∞ − 1 and relative duality gap.
	L1DualTol = 1e-9
	// l1ResidualTol bounds the relative residual of the polished solution.
	l1ResidualTol = 1e-10
	// l1ZeroTol: polished entries below l1ZeroTol·‖β‖_∞ are off the support.
	l1ZeroTol = 1e-9
)

// L1Result is the minimum-ℓ₁ interpolator with its optimality certificate.
type L1Result struct {
	Beta []float64 // min ‖β‖₁ s.t. Xβ = y (zero off Support)
	// Nu is the dual certificate: X_Sᵀν = sign(β_S), and ‖Xᵀν‖_∞ ≤ 1 up to
	// MaxDualViolation, so ⟨y, ν⟩/(1+MaxDualViolation) ≤ min ‖β‖₁ ≤ ‖Beta‖₁.
	Nu      []float64
	Support []int // increasing
	// Certified is true when MaxDualViolation ≤ L1DualTol, DualGap ≤
	// L1DualTol and the residual and sign checks pass.
	Certified        bool
	MaxDualViolation float64 // max(0, ‖Xᵀν‖_∞ − 1)
	DualGap          float64 // |‖β‖₁ − ⟨y,ν⟩| / max(1, ‖β‖₁)
	Residual         float64 // ‖Xβ − y‖₂
	Alpha            float64 // the α whose φ_α argmin gave the support
	// Pivots counts the simplex pivots taken from that support (0 when the
	// support read off the argmin was certified as it was).
	Pivots int
}

// MinL1 returns argmin { ‖β‖₁ : Xβ = y } (basis pursuit) with a dual
// certificate. It walks α down the schedule l1LogAlphas, each solve
// warm-started from the previous one; at each α it tries to polish and
// certify the support read off the argmin, then simplex pivots from that
// support (l1simplex.go), and goes to the next α only if neither certifies.
// The first solve's continuation stops at the first stage whose sparse
// support certifies (l1AtStage). When nothing certifies it returns the best
// attempt with Certified = false; it returns an error only if the φ_α solves
// fail or no candidate interpolates y.
//
// Degenerate problems (duplicated or collinear columns, a face of optima
// spanned by dependent columns) are handled where the support is read off:
// only linearly independent columns are taken (independentColumns).
func (s *Solver) MinL1() (L1Result, error) {
	if s.yNorm == 0 {
		return L1Result{Beta: make([]float64, s.d), Nu: make([]float64, s.n), Certified: true}, nil
	}
	lnAlpha := make([]float64, s.d)
	var best L1Result
	var prev PhiResult
	var prevLn float64
	var solveErr error
	consider := func(cand L1Result, ln float64) bool {
		cand.Alpha = math.Exp(ln)
		if best.Beta == nil || cand.Certified || cand.MaxDualViolation < best.MaxDualViolation {
			best = cand
		}
		return cand.Certified
	}
	for k, ln := range l1LogAlphas {
		for j := range lnAlpha {
			lnAlpha[j] = ln
		}
		var warm []float64
		if k > 0 {
			// ν ≈ ½·ln(1/α)·ν_BP + O(1): rescale to the new α.
			warm = scaled(prev.Nu, ln/prevLn)
		}
		if k == 0 {
			s.settled = func(prevStage, stage float64) bool {
				return s.l1AtStage(prevStage*ln, stage*ln, func(c L1Result, ln float64) bool { return consider(c, ln) })
			}
		}
		res, err := s.PhiArgmin(lnAlpha, nil, warm)
		s.settled = nil
		if errors.Is(err, errSettled) {
			return best, nil
		}
		if err != nil {
			solveErr = err
			break
		}
		guesses := s.bpDualGuesses(res, ln, prev, prevLn, k > 0)
		if s.l1AtAlpha(res.Beta, guesses, true, k == len(l1LogAlphas)-1, func(c L1Result) bool { return consider(c, ln) }) {
			return best, nil
		}
		prev, prevLn = res, ln
	}
	if best.Beta == nil {
		if solveErr != nil {
			return L1Result{}, solveErr
		}
		return L1Result{}, notConverged("no support read off the φ_α argmin down to α = %.3g interpolates y", math.Exp(prevLn))
	}
	return best, nil
}

// MinL1From is MinL1 with the continuation of its first φ_α solve started
// from a solved argmin at a uniform α = exp(lnAlpha) (the GF limit of a run,
// say) instead of from ν = 0, which saves most of the first stage's Newton
// steps. A seed that does not help only costs its attempt.
func (s *Solver) MinL1From(seed PhiResult, lnAlpha float64) (L1Result, error) {
	if len(seed.Nu) == s.n && lnAlpha < 0 && allFinite(seed.Nu) {
		s.seed.nu, s.seed.lnAlpha = seed.Nu, lnAlpha
		defer func() { s.seed.nu = nil }()
	}
	return s.MinL1()
}

// l1AtStage tries to settle basis pursuit at an intermediate stage of the
// first continuation (ln α = lnCur, the stage before at lnPrev; solutions
// in s.nu, s.beta and s.nuPrev), so that a support identified and certified
// early saves the remaining stages. Only the cheap sparse read-off is tried
// (readSupport), with the secant and the scaled dual as guesses.
func (s *Solver) l1AtStage(lnPrev, lnCur float64, consider func(L1Result, float64) bool) bool {
	secant := make([]float64, s.n)
	for i := range secant {
		secant[i] = 2 * (s.nu[i] - s.nuPrev[i]) / (lnPrev - lnCur)
	}
	guesses := [][]float64{secant, scaled(s.nu, -2/lnCur)}
	return s.l1AtAlpha(s.beta, guesses, false, false, func(c L1Result) bool { return consider(c, lnCur) })
}

// l1AtAlpha reads the support off the φ_α argmin betaAlpha, polishes it and
// tries to certify it with each guess of the basis-pursuit dual; failing
// that, it takes simplex pivots from it when it is the last chance or when
// its ℓ₁ norm is within simplexStartGap of a dual lower bound. Simplex
// pivots cost O(nd) each (l1simplex.go), a smaller α tens of Newton steps
// of O(n²d); but from a poor vertex (a support read off at an α too large
// for it, theory.md §3) primal simplex takes thousands of pivots. full is
// passed to readSupport; consider gets every candidate and says whether it
// settles the solve.
func (s *Solver) l1AtAlpha(betaAlpha []float64, guesses [][]float64, full, last bool, consider func(L1Result) bool) bool {
	order := byMagnitude(betaAlpha)
	support, betaS, ok := s.readSupport(betaAlpha, order, full)
	if !ok {
		return false
	}
	if len(support) < s.n {
		// The dual set {ν : X_Sᵀν = sign β_S} is then not a point; its
		// minimum-norm member (the projection of 0) certifies exact
		// recovery when the off-support correlations are well below 1,
		// however rough the guesses from ν are at this α.
		guesses = append(guesses, make([]float64, s.n))
	}
	for _, nuHat := range guesses {
		if cand, ok := s.certifyOn(betaAlpha, support, betaS, nuHat); ok && consider(cand) {
			return true
		}
	}
	if !last && !s.nearOptimalVertex(betaS, guesses) {
		return false
	}
	beta, nu, pivots, ok := s.simplexFromSupport(support, betaS, order, maxSimplexPivots(s.n))
	if !ok {
		return false
	}
	cand, ok := s.polishAndCertify(beta, nu)
	cand.Pivots = pivots
	return ok && consider(cand)
}

// simplexStartGap: simplex starts from a vertex whose ℓ₁ norm is within this
// fraction of the best dual lower bound (at n = 400 a gap of 0.3% took ~150
// pivots, a gap of 50% did not finish in 5n).
const simplexStartGap = 0.05

// nearOptimalVertex compares ‖β_S‖₁ with the weak-duality lower bound
// ⟨y, ν⟩/‖Xᵀν‖_∞ ≤ min ‖β‖₁ of the best guess.
func (s *Solver) nearOptimalVertex(betaS []float64, guesses [][]float64) bool {
	var obj float64
	for _, b := range betaS {
		obj += math.Abs(b)
	}
	corr := make([]float64, s.d)
	bound := math.Inf(-1)
	for _, nu := range guesses {
		blas64.Gemv(blas.Trans, 1, s.xMat, vec(nu), 0, vec(corr))
		if m := math.Abs(corr[blas64.Iamax(vec(corr))]); m > 0 {
			bound = math.Max(bound, blas64.Dot(vec(s.y), vec(nu))/m)
		}
	}
	return obj-bound <= simplexStartGap*obj
}

func maxSimplexPivots(n int) int { return 5*n + 50 }

// bpDualGuesses returns candidate basis-pursuit duals from the φ_α dual:
// ν·2/ln(1/α) (§7), and, given the solve at a larger α, the secant
// 2(ν₂ − ν₁)/(ln(1/α₂) − ln(1/α₁)), which cancels the O(1) part of ν and is
// much closer to ν_BP.
func (s *Solver) bpDualGuesses(res PhiResult, ln float64, prev PhiResult, prevLn float64, havePrev bool) [][]float64 {
	guesses := [][]float64{scaled(res.Nu, -2/ln)}
	if havePrev {
		secant := make([]float64, s.n)
		for i := range secant {
			secant[i] = 2 * (res.Nu[i] - prev.Nu[i]) / (prevLn - ln)
		}
		guesses = append([][]float64{secant}, guesses...)
	}
	return guesses
}

func scaled(v []float64, f float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = f * x
	}
	return out
}

// readSupport returns a support S (increasing) and β_S with X_S β_S = y
// read off the φ_α argmin betaAlpha, whose indices by decreasing magnitude
// are order. It first tries the m ≤ n/2 largest entries above
// supportReadTol·max|β|, which costs O(nm²) and settles a sparse support
// (least squares on a superset of it interpolates), then, when full is set,
// the n largest: an O(n³) superset that also holds a support of n entries.
func (s *Solver) readSupport(betaAlpha []float64, order []int, full bool) ([]int, []float64, bool) {
	if len(order) == 0 {
		return nil, nil, false
	}
	top := math.Abs(betaAlpha[order[0]])
	m := 0
	for m < len(order) && math.Abs(betaAlpha[order[m]]) > supportReadTol*top {
		m++
	}
	// The first try is capped at n/2 entries to stay cheap: a sparse
	// support is well inside it, and one of about n entries is the full
	// try's case.
	if m = min(m, s.n/2); m > 0 {
		support, betaS, ok := s.fitSupport(s.independentColumns(order[:m], m))
		if ok && s.interpolates(support, betaS) {
			return support, betaS, true
		}
	}
	if !full {
		return nil, nil, false
	}
	return s.fitSupport(s.independentColumns(order, s.n))
}

// supportReadTol: entries of a small-α argmin below this fraction of the
// largest are taken as off the support by readSupport's first try.
const supportReadTol = 1e-6

// interpolates reports ‖X_S β_S − y‖ ≤ l1ResidualTol·max(1, ‖y‖).
func (s *Solver) interpolates(support []int, betaS []float64) bool {
	beta := make([]float64, s.d)
	for k, j := range support {
		beta[j] = betaS[k]
	}
	return s.residualNorm(beta) <= l1ResidualTol*math.Max(1, s.yNorm)
}

// polishAndCertify takes the n largest |β_j| of a small-α argmin as a
// superset of the support, solves X_S β_S = y there, drops the entries that
// come out zero and solves again, then certifies (certifyOn). ok is false
// when the support does not interpolate.
func (s *Solver) polishAndCertify(betaAlpha, nuHat []float64) (L1Result, bool) {
	support, betaS, ok := s.readSupport(betaAlpha, byMagnitude(betaAlpha), true)
	if !ok {
		return L1Result{}, false
	}
	return s.certifyOn(betaAlpha, support, betaS, nuHat)
}

// certifyOn checks the residual of the polished β_S on support and that its
// signs agree with the φ_α argmin, and certifies with nuHat projected onto
// {ν : X_Sᵀν = sign(β_S)}. ok is false when the support does not interpolate.
func (s *Solver) certifyOn(betaAlpha []float64, support []int, betaS, nuHat []float64) (L1Result, bool) {
	beta := make([]float64, s.d)
	signsAgree := true
	for k, j := range support {
		beta[j] = betaS[k]
		signsAgree = signsAgree && math.Signbit(betaS[k]) == math.Signbit(betaAlpha[j]) && betaS[k] != 0
	}
	residual := s.residualNorm(beta)
	if residual > l1ResidualTol*math.Max(1, s.yNorm) {
		return L1Result{}, false
	}
	res := L1Result{Beta: beta, Support: support, Residual: residual}
	res.Nu = s.projectDual(nuHat, support, betaS)
	res.MaxDualViolation, res.DualGap = s.certificate(beta, res.Nu)
	res.Certified = signsAgree && res.MaxDualViolation <= L1DualTol && res.DualGap <= L1DualTol
	return res, true
}

// independentColumns returns, in increasing order, the first (at most) k
// indices of order whose columns are linearly independent, skipping any
// column within independentTol of the span of those kept: on a degenerate
// problem (an optimal face, columns in a common low-dimensional span) the
// φ_α argmin spreads over dependent columns, and least squares on them is
// singular. Gram–Schmidt against the kept columns, twice for stability.
func (s *Solver) independentColumns(order []int, k int) []int {
	var kept []int
	basis := make([][]float64, 0, k)
	for _, j := range order {
		if len(kept) == k {
			break
		}
		r := make([]float64, s.n)
		for i := range r {
			r[i] = s.x[i*s.d+j]
		}
		norm := vecNorm(r)
		for range 2 {
			for _, q := range basis {
				blas64.Axpy(-blas64.Dot(vec(q), vec(r)), vec(q), vec(r))
			}
		}
		rest := vecNorm(r)
		if !(rest > independentTol*norm) {
			continue
		}
		for i := range r {
			r[i] /= rest
		}
		basis, kept = append(basis, r), append(kept, j)
	}
	return sortedCopy(kept)
}

// independentTol: a column whose part outside the span of the kept ones is
// below this fraction of its norm counts as dependent.
const independentTol = 1e-9

// byMagnitude returns the indices of the nonzero entries of v by decreasing |v_j|.
func byMagnitude(v []float64) []int {
	idx := make([]int, 0, len(v))
	for j, x := range v {
		if x != 0 {
			idx = append(idx, j)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(math.Abs(v[b]), math.Abs(v[a])) })
	return idx
}

func sortedCopy(idx []int) []int {
	out := slices.Clone(idx)
	slices.Sort(out)
	return out
}

func dropZeros(support []int, betaS []float64) ([]int, []float64) {
	var maxAbs float64
	for _, b := range betaS {
		maxAbs = math.Max(maxAbs, math.Abs(b))
	}
	var keptS []int
	var keptB []float64
	for k, b := range betaS {
		if math.Abs(b) > l1ZeroTol*maxAbs {
			keptS, keptB = append(keptS, support[k]), append(keptB, b)
		}
	}
	return keptS, keptB
}

// columns returns X_S as an n×|S| matrix.
func (s *Solver) columns(support []int) *mat.Dense {
	xs := mat.NewDense(s.n, len(support), nil)
	for i := 0; i < s.n; i++ {
		for k, j := range support {
			xs.Set(i, k, s.x[i*s.d+j])
		}
	}
	return xs
}

// leastSquaresOn solves min ‖X_S β_S − y‖ by QR (|S| ≤ n).
func (s *Solver) leastSquaresOn(support []int) ([]float64, bool) {
	if len(support) == 0 || len(support) > s.n {
		return nil, false
	}
	var qr mat.QR
	qr.Factorize(s.columns(support))
	var sol mat.Dense
	if err := qr.SolveTo(&sol, false, mat.NewDense(s.n, 1, append([]float64(nil), s.y...))); err != nil {
		return nil, false
	}
	out := mat.Col(nil, 0, &sol)
	return out, allFinite(out)
}

// projectDual returns the point of {ν : X_Sᵀν = sign(β_S)} closest to nuHat:
// ν = nuHat − δ with δ the minimum-norm solution of X_Sᵀδ = X_Sᵀ·nuHat − sign.
func (s *Solver) projectDual(nuHat []float64, support []int, betaS []float64) []float64 {
	xs := s.columns(support)
	c := mat.NewVecDense(len(support), nil)
	c.MulVec(xs.T(), mat.NewVecDense(s.n, append([]float64(nil), nuHat...)))
	for k, b := range betaS {
		c.SetVec(k, c.AtVec(k)-math.Copysign(1, b))
	}
	var qr mat.QR
	qr.Factorize(xs)
	var delta mat.VecDense
	nu := append([]float64(nil), nuHat...)
	if err := qr.SolveVecTo(&delta, true, c); err != nil {
		return nu
	}
	for i := range nu {
		nu[i] -= delta.AtVec(i)
	}
	return nu
}

// certificate returns max(0, ‖Xᵀν‖_∞ − 1) and |‖β‖₁ − ⟨y,ν⟩|/max(1,‖β‖₁).
func (s *Solver) certificate(beta, nu []float64) (violation, gap float64) {
	corr := make([]float64, s.d)
	blas64.Gemv(blas.Trans, 1, s.xMat, vec(nu), 0, vec(corr))
	maxCorr := math.Abs(corr[blas64.Iamax(vec(corr))])
	var l1, yNu float64
	for _, b := range beta {
		l1 += math.Abs(b)
	}
	for i, yi := range s.y {
		yNu += yi * nu[i]
	}
	return math.Max(0, maxCorr-1), math.Abs(l1-yNu) / math.Max(1, l1)
}

// residualNorm returns ‖Xβ − y‖₂.
func (s *Solver) residualNorm(beta []float64) float64 {
	r := make([]float64, s.n)
	for i := range r {
		var sum float64
		for j, xij := range s.x[i*s.d : (i+1)*s.d] {
			sum += xij * beta[j]
		}
		r[i] = sum - s.y[i]
	}
	return vecNorm(r)
}

// fitSupport solves X_S β_S = y by least squares on the candidate support,
// drops the coordinates that come out exactly zero, and solves again on
// what is left.
func (s *Solver) fitSupport(support []int) ([]int, []float64, bool) {
	betaS, ok := s.leastSquaresOn(support)
	if !ok {
		return nil, nil, false
	}
	support, betaS = dropZeros(support, betaS)
	if betaS, ok = s.leastSquaresOn(support); !ok {
		return nil, nil, false
	}
	return support, betaS, true
}
