package sim

import (
	"fmt"
	"math"
	"math/rand/v2"

	"sgdbias/sim/problem"
)

// sgfMethod integrates the seed paper's stochastic gradient flow (§4)
//
//	dw± = ∓w±⊙g dt ± 2√(γL/n)·w±⊙(Xᵀ dB),   B a Brownian motion in ℝⁿ,
//
// with the log-Euler–Maruyama scheme on ln w±, time step h = Params.Step and
// temperature γ = Params.Noise. Working on ln w± keeps w± > 0 and reproduces
// the law α_t = α·exp(−2γ·diag(H)·∫L) to rounding when ∫L is accumulated with
// the same left-point rule (§4, §8 check 7).
type sgfMethod struct {
	core
	logWp, logWm []float64
	seed         uint64
	rng          *rand.Rand
	drive        []float64 // r·h/n − σ√h·ξ, the n-vector whose Xᵀ-image is the increment
	colNorm2     []float64 // diag(XᵀX) = n·diag(H)
}

// NewSGF returns the stochastic gradient flow from the initialisation in;
// seed fixes the Brownian increments.
func NewSGF(p *problem.Problem, in Init, params Params, seed uint64) (Method, error) {
	c, err := newCore(p, in, params)
	if err != nil {
		return nil, err
	}
	c.withLogAlpha()
	m := &sgfMethod{
		core: c, logWp: make([]float64, p.D), logWm: make([]float64, p.D),
		seed: seed, drive: make([]float64, p.N), colNorm2: make([]float64, p.D),
	}
	for j, h := range p.HDiag() {
		m.colNorm2[j] = float64(p.N) * h
	}
	m.Reset()
	return m, nil
}

func (m *sgfMethod) Algo() Algo { return SGF }

func (m *sgfMethod) Reset() {
	m.resetCore()
	copy(m.logWp, m.logAlpha)
	copy(m.logWm, m.logAlpha)
	m.rng = rand.New(rand.NewPCG(m.seed, streamSGF))
}

// Step takes one log-Euler–Maruyama step:
//
//	ln w± += ∓(g·h − σ√h·Xᵀξ) − (σ²/2)·diag(XᵀX)·h,   σ = 2√(γL/n), ξ ~ N(0, Iₙ).
//
// g·h − σ√h·Xᵀξ = Xᵀ(r·h/n − σ√h·ξ), so one pass over X gives both.
func (m *sgfMethod) Step() error {
	if m.err != nil {
		return m.err
	}
	n := float64(m.prob.N)
	h := m.params.Step
	loss := residual(m.prob, m.state.Beta, m.resid)
	if !m.noteLoss(loss) {
		return m.fail(SGF)
	}
	sigma := 2 * math.Sqrt(m.params.Noise*loss/n)
	noiseScale := sigma * math.Sqrt(h)
	for i, r := range m.resid {
		m.drive[i] = r*h/n - noiseScale*m.rng.NormFloat64()
	}
	transposeTimes(m.prob, 1, m.drive, m.grad)
	itoDrift := 0.5 * sigma * sigma * h
	var move float64
	axpy(1, m.drive, m.spanCoef) // G += Xᵀdrive
	for j, inc := range m.grad {
		shrink := itoDrift * m.colNorm2[j]
		m.logWp[j] = m.logWp[j] - inc - shrink
		m.logWm[j] = m.logWm[j] + inc - shrink
		// A comparison, not math.Max (a tenth of the step at d = 100); a
		// NaN is kept, as math.Max keeps it, and stops the run below.
		if v := math.Abs(inc) + shrink; v > move || v != v {
			move = v
		}
	}
	// β = w₊² − w₋² from the log-weights, four coordinates at a time
	// (expsinh.go): the exponentials were most of a step at d = 100.
	betaFromLogWeights(m.logWp, m.logWm, m.state.Beta)
	norm2 := sumSquares(m.state.Beta)
	m.state.IntLoss += loss * h
	m.tick()
	if diverged(norm2) {
		return m.fail(SGF)
	}
	if !(move <= maxLogMove) {
		return m.stop(SGF, false, fmt.Sprintf("one step moved ln w± by %.3g (more than %g): the loss blew up to %.3g and the time step no longer resolves the flow", move, float64(maxLogMove), loss))
	}
	if norm2 == 0 && m.logWeightsUnderflowed() {
		return m.stop(SGF, true, collapseCause)
	}
	return nil
}

// maxLogMove bounds |Δ ln w±| in one SGF step. A resolved step moves ln w±
// by O(γ·g) ≪ 1; a move beyond e^20 ≈ 5e8 in one step means the loss has
// blown up and the Itô shrink −(σ²/2)·diag(XᵀX)·h (§4), which grows with
// the loss, is about to drive w± to 0: a divergence, not a result.
const maxLogMove = 20

// logWeightsUnderflowed is weightsUnderflowed on ln w±: e^{2 ln w} is 0.
func (m *sgfMethod) logWeightsUnderflowed() bool {
	if m.zeroInterpolates {
		return false
	}
	for j := range m.logWp {
		if math.Exp(2*m.logWp[j]) != 0 || math.Exp(2*m.logWm[j]) != 0 {
			return false
		}
	}
	return true
}

func (m *sgfMethod) AdvanceTo(t float64) error { return advanceDiscrete(m, &m.core, t) }

func (m *sgfMethod) LogEffectiveInit(dst []float64) {
	for j := range dst {
		dst[j] = 0.5 * (m.logWp[j] + m.logWm[j])
	}
}

// Tilt is ¼ ln(w₊/w₋) + ½G; ln(w₊/w₋) = −2G exactly in exact arithmetic, so
// this is rounding-sized, kept for uniformity with the discrete methods.
func (m *sgfMethod) Tilt(dst []float64) {
	transposeTimes(m.prob, 1, m.spanCoef, dst)
	for j, g := range dst {
		dst[j] = 0.25*(m.logWp[j]-m.logWm[j]) + 0.5*g
	}
}
