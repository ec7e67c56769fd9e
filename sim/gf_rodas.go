package sim

import (
	"math"
	"sgdbias/sim/theory"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// The stiff mode of GF integrates the flow on its n coefficients instead of
// on G. G_t = ∫g dt = Xᵀc_t with ċ = r/n = (Xβ(c) − y)/n and β(c) =
// −2α²·sinh(2Xᵀc) (§3), so ċ = −∇F(c) for the convex
// F(c) = (Σ_j α_j²·cosh(2(Xᵀc)_j) + yᵀc)/n, and the Jacobian of ċ is
// −M with M = X·diag(2(w₊² + w₋²))·Xᵀ/n, symmetric positive semi-definite
// and only n×n. Its largest eigenvalue grows like α²·‖x_i‖², which bounds
// the explicit step; a linearly implicit (Rosenbrock) step solves with
// I/(hγ) + M, which is positive definite for every h, so its step is set by
// accuracy alone. The conserved product w₊w₋ = α² still holds exactly,
// since w± are read off G = Xᵀc through the closed form.

// Rodas4 (Hairer & Wanner, Solving ODEs II, §IV.7, code RODAS): six stages,
// order 4 with an embedded order-3 solution, L-stable and stiffly accurate,
// so that a step far longer than the fast time scales damps them instead of
// echoing them. The coefficients are those of the transformed form: stage i
// solves (I/(hγ) + M)·u_i = f(c + Σ_j a_ij u_j) + Σ_j (c_ij/h)·u_j.
const rodasGamma = 0.25

var (
	rodasA = [6][5]float64{
		{},
		{1.544},
		{0.9466785280815826, 0.2557011698983284},
		{3.314825187068521, 2.896124015972201, 0.9986419139977817},
		{1.221224509226641, 6.019134481288629, 12.53708332932087, -0.687886036105895},
		{1.221224509226641, 6.019134481288629, 12.53708332932087, -0.687886036105895, 1},
	}
	rodasC = [6][5]float64{
		{},
		{-5.6688},
		{-2.430093356833875, -0.2063599157091915},
		{-0.1073529058151375, -9.594562251023355, -20.47028614809616},
		{7.496443313967647, -10.24680431464352, -33.99990352819905, 11.7089089320616},
		{8.083246795921522, -7.981132988064893, -31.52159432874371, 16.31930543123136, -6.058818238834054},
	}
)

// maxJacobianWork caps the multiply-adds of one Jacobian, n²d/2, so that a
// stiff step stays short enough for a caller that advances in bounded pieces
// (the explorer, a cancellation): 1e9 is under a second on one core here
// (6.4e8 at n = 400, d = 4000). Since d > n it also keeps n < 1260, so the
// two n×n matrices stay below 26 MB. Larger problems stay explicit.
const maxJacobianWork = 1e9

// jacobianAffordable reports whether the stiff mode and the Newton rest
// test are open to this problem.
func (m *gfMethod) jacobianAffordable() bool {
	n, d := float64(m.prob.N), float64(m.prob.D)
	return n*n*d/2 <= maxJacobianWork
}

// jacobianBlock is the number of columns of X scaled at a time when M is
// formed, so that the scaled copy stays small (n × jacobianBlock).
const jacobianBlock = 256

// rodasWork is the stiff mode's workspace, allocated once, on the first
// switch to it.
type rodasWork struct {
	jac       []float64    // M = X·D·Xᵀ/n at the step's start, upper triangle
	factor    []float64    // Cholesky factor of I/(hγ) + M
	scaled    []float64    // a block of columns of X·diag(√D), n × jacobianBlock
	u         [6][]float64 // the stage increments
	lossU     [6]float64   // the stage increments of ∫L dt
	coef      []float64    // c at a stage
	eigVec    []float64    // power iteration on M
	eigImage  []float64
	errG      []float64              // the error estimate of G
	lossGrad  []float64              // ∇L(c) at the step's start, −½·M·r
	jacAt     bool                   // jac is M at the current point
	rootD     [jacobianBlock]float64 // √D over a block of columns
	lossFloor float64                // the loss floor at the point of jac (gf_rest.go)
	// From gramMinRows rows M is formed by theory's blocked Gram kernel (on
	// two cores at large sizes; gonum's Dsyrk reaches about 1 GFLOP/s on
	// this shape, see sim/theory/gram.go) from √D over every column.
	gram     *theory.Gram
	rootDAll []float64
}

// gramMinRows is the n from which the Jacobian goes through theory.Gram,
// whose buffer is a copy of X's size; below it M is a few dot products and
// Dsyrk on blocks of columns needs no copy.
const gramMinRows = 16

func newRodasWork(n, d int) *rodasWork {
	w := &rodasWork{
		jac:      make([]float64, n*n),
		factor:   make([]float64, n*n),
		scaled:   make([]float64, n*jacobianBlock),
		coef:     make([]float64, n),
		eigVec:   make([]float64, n),
		eigImage: make([]float64, n),
		errG:     make([]float64, d),
		lossGrad: make([]float64, n),
	}
	for i := range w.u {
		w.u[i] = make([]float64, n)
	}
	return w
}

// formJacobian sets M = X·diag(D)·Xᵀ/n with D = 2(w₊² + w₋²) at the
// current G, one block of columns at a time through Dsyrk, the loss floor
// that the error control leaves there (gf_rest.go, from the same D), and the loss
// gradient −½·M·r at the current point (∫L dt is integrated beside c, and
// the Rosenbrock stages need its row of the Jacobian too). w₊² and w₋² come from the log
// domain, as in betaFromSpan.
func (m *gfMethod) formJacobian() {
	w, p := m.rodas, m.prob
	n, d := p.N, p.D
	impl := blas64.Implementation()
	var floor float64
	hDiag := p.HDiag()
	if n >= gramMinRows {
		if w.gram == nil {
			w.gram, w.rootDAll = theory.NewGram(n, d, p.X), make([]float64, d)
		}
		for j := range d {
			dj := m.curvature(j)
			w.rootDAll[j] = math.Sqrt(dj)
			floor += lossFloorTerm(hDiag[j], dj, m.span[j], m.tol)
		}
		w.gram.Upper(w.rootDAll, w.jac)
		for i := range n {
			row := w.jac[i*n+i : (i+1)*n]
			for j := range row {
				row[j] /= float64(n)
			}
		}
	}
	for j0 := 0; j0 < d && n < gramMinRows; j0 += jacobianBlock {
		k := min(jacobianBlock, d-j0)
		for jj := range k {
			j := j0 + jj
			dj := m.curvature(j)
			w.rootD[jj] = math.Sqrt(dj)
			floor += lossFloorTerm(hDiag[j], dj, m.span[j], m.tol)
		}
		for i := 0; i < n; i++ {
			row := p.X[i*d+j0 : i*d+j0+k]
			dst := w.scaled[i*k : (i+1)*k]
			for jj, x := range row {
				dst[jj] = x * w.rootD[jj]
			}
		}
		beta := 1.0
		if j0 == 0 {
			beta = 0
		}
		impl.Dsyrk(blas.Upper, blas.NoTrans, n, k, 1/float64(n), w.scaled[:n*k], k, beta, w.jac, n)
	}
	// ∇L = (∂r/∂c)ᵀr/(2n) with ∂r/∂c = −n·M, and r = n·ċ.
	impl.Dsymv(blas.Upper, n, -0.5*float64(n), w.jac, n, m.rate, 1, 0, w.lossGrad, 1)
	w.jacAt, w.lossFloor = true, floor
}

// curvature is D_j = 2(w₊² + w₋²) = −∂β_j/∂G_j at the current G, as
// betaFromSpan computes β.
func (m *gfMethod) curvature(j int) float64 {
	g := m.span[j]
	if g <= -spanExpLimit || g >= spanExpLimit {
		la2 := 2 * m.logAlpha[j]
		return 2 * (math.Exp(la2-2*g) + math.Exp(la2+2*g))
	}
	a := m.alphaAt(j)
	return 4 * a * a * math.Cosh(2*g)
}

// factorize sets factor to the Cholesky factor of I/(hγ) + M; it reports
// false if that fails (only rounding could make it, M being semi-definite).
func (m *gfMethod) factorize(h float64) bool {
	w, n := m.rodas, m.prob.N
	copy(w.factor, w.jac)
	shift := 1 / (h * rodasGamma)
	for i := 0; i < n; i++ {
		w.factor[i*n+i] += shift
	}
	_, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Upper, N: n, Stride: n, Data: w.factor})
	return ok
}

// solve overwrites v with (I/(hγ) + M)⁻¹·v through the factor.
func (m *gfMethod) solve(v []float64) {
	n := m.prob.N
	t := blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: n, Stride: n, Data: m.rodas.factor}
	lapack64.Potrs(t, blas64.General{Rows: n, Cols: 1, Stride: 1, Data: v})
}

// stiffStep takes one accepted Rodas4 step no longer than maxStep and
// returns its length.
func (m *gfMethod) stiffStep(maxStep float64) (float64, error) {
	if !m.rodas.jacAt {
		m.formJacobian()
	}
	for {
		h := math.Min(m.hNext, maxStep)
		errNorm := m.rodasAttempt(h)
		if errNorm <= 1 {
			m.rodasAccept(h)
			m.nextStep(h, errNorm, 4, 6, h < m.hNext)
			m.noteStiffStep(h)
			return h, nil
		}
		if !m.shrinkStep(h, errNorm, 4) {
			return 0, errStepUnderflow
		}
	}
}

// rodasAttempt computes the six stages of a step h from the current point,
// leaves the new c in rodas.coef and returns the scaled error norm of G
// (+Inf for a step that cannot be taken).
func (m *gfMethod) rodasAttempt(h float64) float64 {
	w := m.rodas
	if !m.factorize(h) {
		return math.Inf(1)
	}
	hg := h * rodasGamma
	for s := 0; s < 6; s++ {
		u := w.u[s]
		loss := m.loss
		if s == 0 {
			copy(u, m.rate)
		} else {
			copy(w.coef, m.spanCoef)
			for k := 0; k < s; k++ {
				axpy(rodasA[s][k], w.u[k], w.coef)
			}
			loss = m.rhsCoef(w.coef, m.trial, m.beta, u)
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return math.Inf(1)
			}
		}
		lossRHS := loss
		for k := 0; k < s; k++ {
			axpy(rodasC[s][k]/h, w.u[k], u)
			lossRHS += rodasC[s][k] / h * w.lossU[k]
		}
		m.solve(u)
		w.lossU[s] = hg * (lossRHS + dot(w.lossGrad, u))
	}
	// w.coef is the sixth stage's point; the solution adds u₆, which is
	// also the error estimate (the embedded solution is the stage point).
	// G = Xᵀc is linear, so the new G is the stage's G plus Xᵀu₆.
	errG := w.errG
	transposeTimes(m.prob, 1, w.u[5], errG)
	axpy(1, w.u[5], w.coef)
	axpy(1, errG, m.trial)
	errNorm := math.Sqrt(m.spanErrorMS(errG, m.trial))
	if math.IsNaN(errNorm) {
		return math.Inf(1)
	}
	return errNorm
}

// rodasAccept moves to the new point and evaluates the flow there (β, L
// and ċ for the next step).
func (m *gfMethod) rodasAccept(h float64) {
	w := m.rodas
	dLoss := w.lossU[5]
	for k, a := range rodasA[5] {
		dLoss += a * w.lossU[k]
	}
	m.state.IntLoss += dLoss
	copy(m.spanCoef, w.coef)
	m.evalCurrent()
	w.jacAt = false
}

// noteStiffStep leaves the stiff mode when it no longer pays: its step is
// no longer than one the explicit pair takes while stability holds it
// (h·λ_max(M) below stiffEnterBound), or, after a few steps to grow, it
// costs more work per unit of time than the explicit steps it replaced
// (a flow held by stability that still moves, where accuracy keeps the
// Rodas4 steps as short as those). Then the next switch waits longer.
func (m *gfMethod) noteStiffStep(h float64) {
	m.stiffSteps++
	dearer := m.stiffSteps >= 3 && m.stiffStepWork()*m.explicitH > m.explicitStepWork()*h
	if dearer || h*m.largestEigenvalue() < stiffEnterBound {
		if dearer && m.stiffBackoff < maxStiffBackoff {
			m.stiffBackoff++
		}
		m.stiffMode, m.stiffHits, m.calmSteps = false, 0, 0
	}
}

// maxStiffBackoff caps the doubling of stiffAfter.
const maxStiffBackoff = 6

// powerIterations is enough for λ_max(M) to the factor that matters here
// (the mode switch compares h·λ with a bound); it costs 2n² each, nothing
// beside the Jacobian's n²d.
const powerIterations = 12

// largestEigenvalue estimates λ_max(M) by power iteration from a fixed
// start (so that runs repeat), as a Rayleigh quotient: never above λ_max.
func (m *gfMethod) largestEigenvalue() float64 {
	w, n := m.rodas, m.prob.N
	impl := blas64.Implementation()
	v, mv := w.eigVec, w.eigImage
	for i := range v {
		v[i] = 1 / math.Sqrt(float64(n))
	}
	var lambda float64
	for it := 0; it < powerIterations; it++ {
		impl.Dsymv(blas.Upper, n, 1, w.jac, n, v, 1, 0, mv, 1)
		lambda = dot(v, mv)
		norm := math.Sqrt(dot(mv, mv))
		if !(norm > 0) {
			return lambda
		}
		for i := range v {
			v[i] = mv[i] / norm
		}
	}
	return lambda
}
