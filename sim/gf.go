package sim

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"sgdbias/sim/problem"
)

// GFTolerance sets the local error control of the GF integrator.
type GFTolerance struct {
	Rel, Abs float64
}

// DefaultGFTolerance keeps GF's trajectory accurate to about 1e-12 relative
// in G. The limit itself does not depend on it (see gfMethod).
var DefaultGFTolerance = GFTolerance{Rel: 1e-12, Abs: 1e-15}

// gfMethod integrates gradient flow ẇ± = ∓w±⊙g(β) (§3). On ln w± the flow is
// d ln w±/dt = ∓g, so ln w± = ln α ∓ G_t with G_t = ∫g dt = Xᵀc_t: G lives
// in the n-dimensional span(Xᵀ), and c follows ċ = r/n. The integrator works
// on c (and on ∫L dt beside it) and reads G = Xᵀc, hence w± and β, through
// the closed form, so w₊w₋ = α² holds by construction and the limit is
// argmin φ_α however coarse the steps: accuracy only shapes the path (§3, §8
// checks 1 and 5). The error control measures G, coordinate by coordinate.
//
// Two steppers share the state: the explicit Dormand–Prince 8(5,3) pair
// (gf_dop853.go) while accuracy sets the step, and the linearly implicit
// Rodas4 (gf_rodas.go) once the explicit steps are held at their stability
// bound, which happens when α²·‖x_i‖² is large (large α or large d) and
// whenever the flow has come to rest.
type gfMethod struct {
	core
	tol   GFTolerance
	span  []float64 // G = Xᵀc at the current point: ln w± = ln α ∓ G
	rate  []float64 // ċ = r/n at the current point
	loss  float64   // L at the current point
	fresh bool      // span, rate, loss and β are those of the current c
	hNext float64   // proposed next step
	trial []float64 // G at a stage
	beta  []float64 // β at a stage
	dop   dopWork
	// stiffMode: the steps are Rodas4 steps; stiffHits counts the recent
	// explicit steps found at their stability bound, calmSteps those found
	// below it.
	stiffMode bool
	stiffHits int
	calmSteps int
	// explicitH is the explicit step when the stiff mode took over, and
	// stiffSteps the steps taken in it since; stiffBackoff doubles the
	// hits the next switch needs each time the stiff mode did not pay.
	explicitH    float64
	stiffSteps   int
	stiffBackoff int
	rodas        *rodasWork // allocated on the first switch to the stiff mode
	// bestLoss is the lowest loss seen, sinceBest the accepted steps since
	// it last fell: an explicit flow that stopped improving may be at rest.
	bestLoss  float64
	sinceBest int
	// resting: the flow is within its tolerance of its limit (gf_rest.go);
	// restTries counts the failed checks of an explicit flow, each of which
	// doubles the wait before the next.
	resting   bool
	restTries int
	impl      blas.Float64
	split     *gfSplit // the second core's share of a right-hand side; nil on one
	mark      gfMark   // the point Rewind returns to (gf_mark.go)
	// horizon: the explicit steps may pass the times asked for up to it,
	// and dense and view show the points before (gf_dense.go); 0: none.
	horizon float64
	dense   denseStep
	view    gfView
}

// errStepUnderflow reports a GF step that shrank to nothing.
var errStepUnderflow = errors.New("gf: the adaptive step shrank below 1e-14·t; the flow is too stiff at this tolerance")

// NewGF returns gradient flow from the initialisation in. Params.Step is only
// used to keep GF in lockstep with the discrete methods.
func NewGF(p *problem.Problem, in Init, params Params, tol GFTolerance) (Method, error) {
	c, err := newCore(p, in, params)
	if err != nil {
		return nil, err
	}
	c.withLogAlpha()
	m := &gfMethod{
		core: c, tol: tol,
		span: make([]float64, p.D), rate: make([]float64, p.N),
		trial: make([]float64, p.D), beta: make([]float64, p.D),
		dop: newDopWork(p.N, p.D), impl: blas64.Implementation(),
	}
	m.split = newGFSplit(m)
	m.Reset()
	return m, nil
}

func (m *gfMethod) Algo() Algo { return GF }

func (m *gfMethod) Reset() {
	m.resetCore()
	clear(m.span)
	m.fresh = false
	m.hNext = 0
	m.stiffMode, m.stiffHits, m.calmSteps, m.stiffBackoff = false, 0, 0, 0
	m.resting, m.restTries = false, 0
	m.bestLoss, m.sinceBest = math.Inf(1), 0
	m.mark.valid = false
	m.view.on, m.dense.ok = false, false
}

// betaFromSpan sets β = w₊² − w₋² = −2α²·sinh(2G) (§3). The sinh form keeps
// full relative precision where w₊ ≈ w₋ (small G at large α, where
// w₊² − w₋² would cancel down to 1e-12 of α² and floor the residual there);
// with a uniform α it goes four coordinates at a time (expsinh.go). Beyond
// spanExpLimit it goes through the log domain, so that tiny α never
// overflows the sinh first. The slices hold coordinates j0, j0+1, … .
func (m *gfMethod) betaFromSpan(j0 int, span, beta []float64) {
	a2 := m.alphaUniform * m.alphaUniform
	if m.alpha == nil && betaSinh(span, beta, -2*a2) {
		return
	}
	beta = beta[:len(span)]
	for jj, g := range span {
		if g <= -spanExpLimit || g >= spanExpLimit {
			la2 := 2 * m.logAlpha[j0+jj]
			beta[jj] = math.Exp(la2-2*g) - math.Exp(la2+2*g)
			continue
		}
		if m.alpha != nil {
			a2 = m.alpha[j0+jj] * m.alpha[j0+jj]
		}
		beta[jj] = -2 * a2 * sinh(2*g)
	}
}

// spanExpLimit bounds |G| for the sinh form of β: sinh(2G) stays finite
// below it.
const spanExpLimit = 350

// rhsBlock is the number of columns of X that rhsCoef takes at a time: its
// n × rhsBlock block (1.6 MB at n = 400) is still in cache when it is read
// the second time, for Xβ, so a right-hand side streams X from memory once.
const rhsBlock = 512

// rhsCoef evaluates the flow at c: span = Xᵀc, beta = β(span), m.resid =
// r = Xβ − y and ċ = r/n into out; it returns L(β) = ‖r‖²/(4n) (§1).
func (m *gfMethod) rhsCoef(coef, span, beta, out []float64) float64 {
	n := m.prob.N
	r := m.resid
	m.xBeta(coef, span, beta, r)
	var ss float64
	inv := 1 / float64(n)
	for i, v := range r {
		ss += v * v
		out[i] = v * inv
	}
	return ss / (4 * float64(n))
}

// evalCurrent evaluates the flow at the current c, into the state.
func (m *gfMethod) evalCurrent() {
	m.loss = m.rhsCoef(m.spanCoef, m.span, m.state.Beta, m.rate)
	m.fresh = true
}

func (m *gfMethod) Step() error {
	m.view.on = false
	return m.step(math.Inf(1), math.Inf(1))
}

// AdvanceTo integrates to exactly time t.
func (m *gfMethod) AdvanceTo(t float64) error {
	_, err := m.AdvanceWithin(t, math.MaxInt64)
	return err
}

// AdvanceWithin integrates towards time t taking at most maxSteps steps, and
// reports whether it got there. A caller that must stay responsive (to a
// cancellation, say) advances in such bounded pieces: a GF step's length is
// set by the flow, not by γ, so a time chunk alone does not bound the work.
// With a horizon set, an explicit step may end past t, and t is then shown
// from inside it (gf_dense.go).
func (m *gfMethod) AdvanceWithin(t float64, maxSteps int64) (bool, error) {
	if m.view.on && t <= m.state.Time && m.dense.ok {
		m.showAt(t)
		return true, nil
	}
	m.view.on = false
	for k := int64(0); m.state.Time < t; k++ {
		if k == maxSteps {
			return false, nil
		}
		if m.atRest() {
			m.restUntil(t)
			break
		}
		target := t
		if m.horizon > t && !m.stiffMode {
			target = m.horizon
		}
		if err := m.step(target-m.state.Time, target); err != nil {
			return false, err
		}
	}
	if m.state.Time > t && m.dense.ok {
		m.showAt(t)
	}
	return true, nil
}

// step takes one accepted adaptive step no longer than maxStep = target − t,
// with the stepper of the current mode.
func (m *gfMethod) step(maxStep, target float64) error {
	if m.err != nil {
		return m.err
	}
	if !m.fresh {
		m.evalCurrent()
		if !m.noteLoss(m.loss) {
			return m.fail(GF)
		}
	}
	if m.hNext == 0 {
		m.hNext = m.initialStep()
	}
	var h float64
	var err error
	if m.stiffMode {
		m.dense.ok = false // Rodas4 has no output inside its steps here
		h, err = m.stiffStep(maxStep)
	} else {
		h, err = m.explicitStep(maxStep)
	}
	if err != nil {
		m.fail(GF)
		return err
	}
	m.state.Steps++
	if h == maxStep {
		m.state.Time = target // land on the target exactly, not on t + (target − t)
	} else {
		m.state.Time += h
	}
	if m.loss < m.bestLoss {
		m.bestLoss, m.sinceBest = m.loss, 0
	} else {
		m.sinceBest++
	}
	if !m.noteLoss(m.loss) || diverged(sumSquares(m.state.Beta)) {
		return m.fail(GF)
	}
	m.checkRest()
	return nil
}

// nextStep proposes the step after an accepted step h with scaled error
// errNorm, for a method of error order q: the usual 0.9·err^{−1/q} bounded
// to [0.2, maxGrow]. A step cut short to land on a target time does not
// shrink the proposal.
func (m *gfMethod) nextStep(h, errNorm, q, maxGrow float64, clipped bool) {
	grow := maxGrow
	if errNorm > 0 {
		grow = math.Min(maxGrow, math.Max(0.2, 0.9*math.Pow(errNorm, -1/q)))
	}
	if !clipped || h*grow > m.hNext {
		m.hNext = h * grow
	}
}

// shrinkStep proposes a shorter step after a rejected one and reports
// whether it is still above the underflow bound.
func (m *gfMethod) shrinkStep(h, errNorm, q float64) bool {
	if math.IsNaN(errNorm) {
		errNorm = math.Inf(1)
	}
	m.hNext = h * math.Max(0.2, 0.9*math.Pow(errNorm, -1/q))
	return m.hNext >= 1e-14*math.Max(1, m.state.Time)
}

// initialStep guesses a first step that moves G by about 1e-3 at the
// initial gradient g = Xᵀċ; the controller grows it from there.
func (m *gfMethod) initialStep() float64 {
	transposeTimes(m.prob, 1, m.rate, m.trial)
	var gmax float64
	for _, v := range m.trial {
		gmax = math.Max(gmax, math.Abs(v))
	}
	if gmax == 0 {
		return 1
	}
	return math.Min(1, 1e-3/gmax)
}

// spanErrorMS is the mean square over coordinates of the G-error e, each scaled by
// Abs + Rel·max(|G_j|, |G'_j|) (G at the step's start and near its end).
func (m *gfMethod) spanErrorMS(e, g1 []float64) float64 {
	var sum float64
	for j, v := range e {
		// Plain comparisons, not math.Max: its NaN and ±0 cases cost a
		// tenth of a step at large d, and a NaN here rejects the step anyway.
		g := math.Abs(m.span[j])
		if a := math.Abs(g1[j]); a > g {
			g = a
		}
		q := v / (m.tol.Abs + m.tol.Rel*g)
		sum += q * q
	}
	return sum / float64(len(e))
}

func sumSquares(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return s
}

// LogEffectiveInit is ½(ln w₊ + ln w₋) = ½((ln α − G) + (ln α + G)): α for
// GF, since w₊w₋ = α² is conserved (§3).
func (m *gfMethod) LogEffectiveInit(dst []float64) { m.logEffectiveInitFrom(dst, 0) }

// logEffectiveInitFrom is LogEffectiveInit on coordinates lo, lo+1, …, so
// that a sampler reads it through a small buffer (effinit.go).
func (m *gfMethod) logEffectiveInitFrom(dst []float64, lo int) {
	span, la := m.shownSpan()[lo:], m.logAlpha[lo:]
	for j := range dst {
		g := span[j]
		dst[j] = 0.5 * ((la[j] - g) + (la[j] + g))
	}
}

// Tilt is ¼(ln w₊ − ln w₋) + ½G = 0 up to rounding for GF.
func (m *gfMethod) Tilt(dst []float64) {
	for j, g := range m.shownSpan() {
		dst[j] = 0.25*((m.logAlpha[j]-g)-(m.logAlpha[j]+g)) + 0.5*g
	}
}

// shownSpan is G at the point shown (State).
func (m *gfMethod) shownSpan() []float64 {
	if m.view.on {
		return m.view.span
	}
	m.ensureFresh()
	return m.span
}

// ensureFresh brings G up to date with c after a change of mode, so that
// what is read off the state is the current point.
func (m *gfMethod) ensureFresh() {
	if !m.fresh {
		m.evalCurrent()
	}
}
