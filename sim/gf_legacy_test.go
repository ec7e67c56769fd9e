package sim

// The Dormand–Prince 5(4) integrator of G that GF used before it moved to
// the n coefficients of G = Xᵀc: an independent reference for the
// trajectory test and the "before" side of the GF benchmarks.

import (
	"math"

	"sgdbias/sim/problem"
)

// legacyGF integrates gradient flow ẇ± = ∓w±⊙g(β) (§3). On ln w± the flow is
// d ln w±/dt = ∓g, so ln w± = ln α ∓ G_t with G_t = ∫g dt; the integrator
// works on G (and on ∫L dt beside it) with the embedded Dormand–Prince 5(4)
// pair and error control. Every stage adds a multiple of some Xᵀr, so G stays
// in span(Xᵀ) to rounding and the limit is argmin φ_α however coarse the
// steps: accuracy only shapes the path (§3, §8 checks 1 and 5).
type legacyGF struct {
	core
	tol    GFTolerance
	span   []float64    // G_t = ∫g dt, the integrator's state: ln w± = ln α ∓ G
	hNext  float64      // proposed next step
	stages [7][]float64 // k1..k7: g at each stage (k7 = k1 of the next step, FSAL)
	lossK  [7]float64   // L at each stage, the right-hand side of ∫L dt
	fresh  bool         // stages[0] holds f at the current state
	trial  []float64    // G at a stage or the proposed step
	beta   []float64    // β at a stage
	// bestLoss is the lowest loss seen, sinceBest the accepted steps since
	// it last fell: a flow that stopped improving may be at rest.
	bestLoss  float64
	sinceBest int
}

// Dormand–Prince 5(4) tableau (Hairer, Nørsett & Wanner, table II.5.2).
var (
	legacyDPC = [7]float64{0, 1. / 5, 3. / 10, 4. / 5, 8. / 9, 1, 1}
	legacyDPA = [7][6]float64{
		{},
		{1. / 5},
		{3. / 40, 9. / 40},
		{44. / 45, -56. / 15, 32. / 9},
		{19372. / 6561, -25360. / 2187, 64448. / 6561, -212. / 729},
		{9017. / 3168, -355. / 33, 46732. / 5247, 49. / 176, -5103. / 18656},
		{35. / 384, 0, 500. / 1113, 125. / 192, -2187. / 6784, 11. / 84},
	}
	// legacyDPE is b₅ − b₄: the embedded error estimate's weights.
	legacyDPE = [7]float64{71. / 57600, 0, -71. / 16695, 71. / 1920, -17253. / 339200, 22. / 525, -1. / 40}
)

// newLegacyGF returns gradient flow from the initialisation in. Params.Step is only
// used to keep GF in lockstep with the discrete methods.
func newLegacyGF(p *problem.Problem, in Init, params Params, tol GFTolerance) (Method, error) {
	c, err := newCore(p, in, params)
	if err != nil {
		return nil, err
	}
	c.withLogAlpha()
	m := &legacyGF{core: c, tol: tol, span: make([]float64, p.D), trial: make([]float64, p.D), beta: make([]float64, p.D)}
	for i := range m.stages {
		m.stages[i] = make([]float64, p.D)
	}
	m.Reset()
	return m, nil
}

func (m *legacyGF) Algo() Algo { return GF }

func (m *legacyGF) Reset() {
	m.resetCore()
	clear(m.span)
	m.fresh = false
	m.hNext = 0
	m.bestLoss, m.sinceBest = math.Inf(1), 0
}

// betaFromSpan sets β = α²e^{−2G} − α²e^{2G} = w₊² − w₋², in the log domain
// so that tiny α never underflows before the subtraction.
func (m *legacyGF) betaFromSpan(span, beta []float64) {
	for j, g := range span {
		la2 := 2 * m.logAlpha[j]
		beta[j] = math.Exp(la2-2*g) - math.Exp(la2+2*g)
	}
}

// rhs evaluates the flow at G: dG/dt = g(β(G)), d(∫L)/dt = L(β(G)).
func (m *legacyGF) rhs(span, out []float64) float64 {
	m.betaFromSpan(span, m.beta)
	loss := residual(m.prob, m.beta, m.resid)
	transposeTimes(m.prob, 1/float64(m.prob.N), m.resid, out)
	return loss
}

func (m *legacyGF) Step() error { return m.step(math.Inf(1), math.Inf(1)) }

// AdvanceTo integrates to exactly time t.
func (m *legacyGF) AdvanceTo(t float64) error {
	_, err := m.AdvanceWithin(t, math.MaxInt64)
	return err
}

// AdvanceWithin integrates towards time t taking at most maxSteps steps, and
// reports whether it got there. A caller that must stay responsive (to a
// cancellation, say) advances in such bounded pieces: a GF step's length is
// set by the flow, not by γ, so a time chunk alone does not bound the work.
func (m *legacyGF) AdvanceWithin(t float64, maxSteps int64) (bool, error) {
	for k := int64(0); m.state.Time < t; k++ {
		if k == maxSteps {
			return false, nil
		}
		if m.atRest() {
			m.restUntil(t)
			break
		}
		if err := m.step(t-m.state.Time, t); err != nil {
			return false, err
		}
	}
	return true, nil
}

// step takes one accepted adaptive step no longer than maxStep = target − t.
func (m *legacyGF) step(maxStep, target float64) error {
	if m.err != nil {
		return m.err
	}
	if !m.fresh {
		m.lossK[0] = m.rhs(m.span, m.stages[0])
		m.fresh = true
		if !m.noteLoss(m.lossK[0]) {
			return m.fail(GF)
		}
		if m.hNext == 0 {
			m.hNext = legacyInitialStep(m.stages[0])
		}
	}
	for {
		h := math.Min(m.hNext, maxStep)
		errNorm := m.attempt(h)
		if math.IsNaN(errNorm) {
			// A trial step so long that β overflowed at some stage (long
			// plateaus of tiny α let h grow): reject it and shrink.
			errNorm = math.Inf(1)
		}
		if errNorm <= 1 {
			m.accept(h, errNorm, h < m.hNext)
			if h == maxStep {
				m.state.Time = target // land on the target exactly, not on t + (target − t)
			}
			break
		}
		m.hNext = h * math.Max(0.2, 0.9*math.Pow(errNorm, -0.2))
		if m.hNext < 1e-14*math.Max(1, m.state.Time) {
			m.fail(GF)
			return errStepUnderflow
		}
	}
	if !m.noteLoss(m.lossK[0]) || diverged(sumSquares(m.state.Beta)) {
		return m.fail(GF)
	}
	return nil
}

// legacyRestFactor: GF counts as at rest once its loss is within legacyRestFactor of the
// floor that its own error control leaves (a residual within 10× of it)…
const legacyRestFactor = 100

// legacyRestWindow: and the loss has not fallen over that many accepted steps.
const legacyRestWindow = 256

// atRest reports whether the flow has stopped to working precision: the
// loss is at the floor that the per-step error control admits. ∂β/∂G =
// −2(w₊² + w₋²) (§3), so a step error δG_j = Abs + Rel·|G_j| moves β_j by
// 2(w₊² + w₋²)·δG_j and Xβ by ‖X_j‖ times that, and the loss floor is
// Σ_j H_jj·δβ_j²/4. Below it the explicit scheme's steps sit at its
// stability limit, which at large α (stiffness ∝ α²·λ_max(H)) would take
// millions of steps per unit of time to change nothing above that floor.
func (m *legacyGF) atRest() bool {
	if !m.fresh || m.sinceBest < legacyRestWindow {
		return false
	}
	var floor float64
	hDiag := m.prob.HDiag()
	for j, g := range m.span {
		la2 := 2 * m.logAlpha[j]
		w2 := math.Exp(la2-2*g) + math.Exp(la2+2*g)
		db := 2 * w2 * (m.tol.Abs + m.tol.Rel*math.Abs(g))
		floor += hDiag[j] * db * db
	}
	return m.lossK[0] <= legacyRestFactor*floor/4
}

// restUntil moves a flow at rest to time t without steps: G and β stay,
// ∫L grows by L·(t − now) (the left-point rule).
func (m *legacyGF) restUntil(t float64) {
	m.state.IntLoss += m.lossK[0] * (t - m.state.Time)
	m.state.Time = t
}

// attempt computes stages 2..7 for a step h from the current state, leaves
// the 5th-order solution in m.trial and returns the scaled error norm.
func (m *legacyGF) attempt(h float64) float64 {
	span := m.span
	for s := 1; s < 7; s++ {
		for j := range m.trial {
			acc := span[j]
			for k := 0; k < s; k++ {
				acc += h * legacyDPA[s][k] * m.stages[k][j]
			}
			m.trial[j] = acc
		}
		m.lossK[s] = m.rhs(m.trial, m.stages[s])
	}
	// m.trial now holds the 5th-order solution (row 7 of A equals b₅).
	var sum float64
	for j := range m.trial {
		var e float64
		for k := 0; k < 7; k++ {
			e += legacyDPE[k] * m.stages[k][j]
		}
		scale := m.tol.Abs + m.tol.Rel*math.Max(math.Abs(span[j]), math.Abs(m.trial[j]))
		q := h * e / scale
		sum += q * q
	}
	return math.Sqrt(sum / float64(len(m.trial)))
}

// accept moves to the trial point and proposes the next step. A step cut
// short to land on a target time does not shrink the proposal.
func (m *legacyGF) accept(h, errNorm float64, clipped bool) {
	var intLoss float64
	for k, b := range legacyDPA[6] { // the 5th-order weights b₅; b₅[7] = 0
		intLoss += b * m.lossK[k]
	}
	m.state.IntLoss += h * intLoss
	copy(m.span, m.trial)
	copy(m.state.Beta, m.beta) // β at stage 7 is β at the new point
	m.stages[0], m.stages[6] = m.stages[6], m.stages[0]
	m.lossK[0] = m.lossK[6]
	m.state.Time += h
	m.state.Steps++
	if m.lossK[0] < m.bestLoss {
		m.bestLoss, m.sinceBest = m.lossK[0], 0
	} else {
		m.sinceBest++
	}
	grow := 5.0
	if errNorm > 0 {
		grow = math.Min(5, math.Max(0.2, 0.9*math.Pow(errNorm, -0.2)))
	}
	if !clipped || h*grow > m.hNext {
		m.hNext = h * grow
	}
}

// legacyInitialStep guesses a first step that moves G by about 1e-3 at the
// initial gradient; the controller grows it by up to 5× per step.
func legacyInitialStep(g []float64) float64 {
	var gmax float64
	for _, v := range g {
		gmax = math.Max(gmax, math.Abs(v))
	}
	if gmax == 0 {
		return 1
	}
	return math.Min(1, 1e-3/gmax)
}

// LogEffectiveInit is ½(ln w₊ + ln w₋) = ½((ln α − G) + (ln α + G)): α for
// GF, since w₊w₋ = α² is conserved (§3).
func (m *legacyGF) LogEffectiveInit(dst []float64) {
	for j, g := range m.span {
		dst[j] = 0.5 * ((m.logAlpha[j] - g) + (m.logAlpha[j] + g))
	}
}

// Tilt is ¼(ln w₊ − ln w₋) + ½G = 0 up to rounding for GF.
func (m *legacyGF) Tilt(dst []float64) {
	for j, g := range m.span {
		dst[j] = 0.25*((m.logAlpha[j]-g)-(m.logAlpha[j]+g)) + 0.5*g
	}
}
