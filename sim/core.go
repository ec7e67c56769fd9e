package sim

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"sgdbias/sim/problem"
)

// Method is one training algorithm running on a problem. It is not safe for
// concurrent use: one goroutine owns it.
type Method interface {
	Algo() Algo
	// Step takes one native step: a γ-step for GD, SGD and SGF, one accepted
	// adaptive step for GF.
	Step() error
	// AdvanceTo steps until the time reaches t: discrete methods stop at the
	// first step with time ≥ t − γ/2, GF lands on t exactly.
	AdvanceTo(t float64) error
	// SetParams changes the live parameters; the trajectory is kept.
	SetParams(p Params) error
	Params() Params
	// Reset returns to the initialisation, re-seeding any random stream, so
	// that the run repeats bit for bit.
	Reset()
	// State is a read-only view of the current state, valid until the next
	// call that changes it.
	State() *State
	// LogEffectiveInit writes ln α_t = ½ ln|w₊w₋| per coordinate (§4, §5).
	LogEffectiveInit(dst []float64)
	// Tilt writes z̃_t = ¼ ln|w₊/w₋| + ½ G_t, the part of the mirror
	// coordinate outside span(Xᵀ) (§5); zero for GF, rounding-sized for SGF.
	Tilt(dst []float64)
	// Err is the divergence that stopped this run, or nil.
	Err() *DivergenceError
}

// State is what every method exposes after each step.
type State struct {
	Beta    []float64 // β = w₊² − w₋²
	Time    float64
	Steps   int64
	IntLoss float64 // ∫L dt by the left-point rule; for SGD an unbiased minibatch estimate
}

// divergenceBound is the ‖β‖₂ above which a run counts as diverged (§5).
const divergenceBound = 1e8

// core holds what every method shares: the problem, the initialisation,
// the live parameters, the state and the divergence status.
type core struct {
	prob *problem.Problem
	// alpha is α per coordinate, kept exactly as given; nil when every
	// coordinate has the same α, alphaUniform, so that a run at large d
	// holds no vector for it.
	alpha        []float64
	alphaUniform float64
	// logAlpha is ln α per coordinate, set only for the methods that read
	// it (GF and SGF, through withLogAlpha).
	logAlpha []float64
	params   Params
	state    State
	err      *DivergenceError
	lastLoss float64 // last finite training loss seen, for the divergence report
	// zeroInterpolates is y = 0: then β ≡ 0 is the solution, not a collapse.
	zeroInterpolates bool
	resid            []float64
	grad             []float64
	// The time of a fixed-step method is segmentStart + k·dt over the steps
	// k since its time step dt last changed, so that it does not drift by
	// summing dt.
	segmentStart float64
	segmentSteps int64
	segmentDt    float64
	// spanCoef is c with G_t = Xᵀc: the accumulated (stochastic) gradient
	// Σγg (plus SGF's noise increments) lies in span(Xᵀ) and fixes the mirror
	// coordinate (§4, §5). Keeping its n coefficients instead of G itself
	// costs O(n) or O(1) per step instead of O(d).
	spanCoef []float64
}

func newCore(p *problem.Problem, in Init, params Params) (core, error) {
	if err := in.Validate(p.D); err != nil {
		return core{}, err
	}
	if err := params.Validate(p.N); err != nil {
		return core{}, err
	}
	c := core{
		prob:     p,
		params:   params,
		resid:    make([]float64, p.N),
		grad:     make([]float64, p.D),
		spanCoef: make([]float64, p.N),
	}
	c.state.Beta = make([]float64, p.D)
	switch {
	case in.IsUniform():
		c.alphaUniform = in.Uniform
	case uniform(in.Alpha):
		c.alphaUniform = in.Alpha[0]
	default:
		c.alpha = append([]float64(nil), in.Alpha...)
	}
	c.zeroInterpolates = sumSquares(p.Y) == 0
	return c, nil
}

// uniform reports whether every entry of a equals the first.
func uniform(a []float64) bool {
	for _, v := range a {
		if v != a[0] {
			return false
		}
	}
	return len(a) > 0
}

// withLogAlpha sets ln α per coordinate, for the methods that need it.
func (c *core) withLogAlpha() {
	c.logAlpha = make([]float64, c.prob.D)
	for j := range c.logAlpha {
		c.logAlpha[j] = math.Log(c.alphaAt(j))
	}
}

// alphaAt is α in coordinate j.
func (c *core) alphaAt(j int) float64 {
	if c.alpha == nil {
		return c.alphaUniform
	}
	return c.alpha[j]
}

// fillAlpha sets every w to the initialisation α (§1).
func (c *core) fillAlpha(ws ...[]float64) {
	for _, w := range ws {
		if c.alpha != nil {
			copy(w, c.alpha)
			continue
		}
		for j := range w {
			w[j] = c.alphaUniform
		}
	}
}

// keepStopped marks the method stopped by e again after a replay to its
// last finite state (handOver), so that it refuses to step as it did.
func (c *core) keepStopped(e *DivergenceError) { c.err = e }

func (c *core) State() *State         { return &c.state }
func (c *core) Params() Params        { return c.params }
func (c *core) Err() *DivergenceError { return c.err }

func (c *core) SetParams(p Params) error {
	if err := p.Validate(c.prob.N); err != nil {
		return err
	}
	c.params = p
	return nil
}

// tick counts one fixed step of size γ.
func (c *core) tick() { c.tickBy(c.params.Step) }

// tickBy counts one step that advances time by dt.
func (c *core) tickBy(dt float64) {
	if dt != c.segmentDt {
		c.segmentStart, c.segmentSteps, c.segmentDt = c.state.Time, 0, dt
	}
	c.state.Steps++
	c.segmentSteps++
	c.state.Time = c.segmentStart + float64(c.segmentSteps)*dt
}

// resetCore zeroes the trajectory; the caller restores its own weights.
func (c *core) resetCore() {
	clear(c.state.Beta)
	clear(c.spanCoef)
	c.state.Time, c.state.Steps, c.state.IntLoss = 0, 0, 0
	c.segmentStart, c.segmentSteps, c.segmentDt = 0, 0, 0
	c.err, c.lastLoss = nil, 0
}

// residual sets r = Xβ − y and returns the loss L = ‖r‖²/(4n) (§1).
func residual(p *problem.Problem, beta, r []float64) float64 {
	copy(r, p.Y)
	blas64.Implementation().Dgemv(blas.NoTrans, p.N, p.D, 1, p.X, p.D, beta, 1, -1, r, 1)
	var ss float64
	for _, v := range r {
		ss += v * v
	}
	return ss / (4 * float64(p.N))
}

// transposeTimes sets out = scale·Xᵀv.
func transposeTimes(p *problem.Problem, scale float64, v, out []float64) {
	blas64.Implementation().Dgemv(blas.Trans, p.N, p.D, scale, p.X, p.D, v, 1, 0, out, 1)
}

// multiplicativeUpdate applies the discrete update (U) of §2 with x = γ·g:
// w± ← w±(1 ∓ x), and refreshes β. It returns ‖β‖² so the caller can detect
// divergence without another pass. It is the inner loop of GD and SGD: the
// bulk runs in the AVX2 kernel where there is one (same roundings), the
// rest in updateGeneric.
func multiplicativeUpdate(wp, wm, beta, g []float64, gamma float64) float64 {
	d := len(g)
	var norm2 float64
	k := 0
	if haveAVX2 {
		k = d &^ 7
		if k > 0 {
			norm2 = updateAVX2(wp[:k], wm[:k], beta[:k], g[:k], gamma)
		}
	}
	return norm2 + updateGeneric(wp[k:d], wm[k:d], beta[k:d], g[k:d], gamma)
}

// updateGeneric is (U) in Go: unrolled by four with four partial sums, so
// that the sum's add latency does not serialise the loop (the compiler does
// not reassociate floats).
func updateGeneric(wp, wm, beta, g []float64, gamma float64) float64 {
	d := len(g)
	wp, wm, beta = wp[:d], wm[:d], beta[:d]
	var s0, s1, s2, s3 float64
	j := 0
	for ; j+4 <= d; j += 4 {
		s0 += updateOne(wp, wm, beta, j, gamma*g[j])
		s1 += updateOne(wp, wm, beta, j+1, gamma*g[j+1])
		s2 += updateOne(wp, wm, beta, j+2, gamma*g[j+2])
		s3 += updateOne(wp, wm, beta, j+3, gamma*g[j+3])
	}
	for ; j < d; j++ {
		s0 += updateOne(wp, wm, beta, j, gamma*g[j])
	}
	return (s0 + s1) + (s2 + s3)
}

// updateOne is (U) on coordinate j; it returns β_j².
func updateOne(wp, wm, beta []float64, j int, x float64) float64 {
	p := wp[j] * (1 - x)
	m := wm[j] * (1 + x)
	wp[j], wm[j] = p, m
	b := p*p - m*m
	beta[j] = b
	return b * b
}

// diverged reports whether a squared norm or loss signals divergence: it is
// not finite or ‖β‖ exceeds the bound. NaN fails every comparison, so the
// test is written to be true for NaN.
func diverged(betaNorm2 float64) bool {
	return !(betaNorm2 <= divergenceBound*divergenceBound)
}

// halfLogAbsProduct writes ½ln|a_j·b_j| = ½(ln|a_j| + ln|b_j|), clamped so
// that an underflowed weight gives a very small but finite logarithm
// instead of −Inf. One logarithm of the product where it is a normal
// number (as accurate as two: the product's rounding moves its logarithm by
// at most 2⁻⁵³), two logarithms where it underflows or overflows: the
// logarithms were most of a sample at d = 4000.
func halfLogAbsProduct(dst, a, b []float64) {
	for j := range dst {
		if p := math.Abs(a[j] * b[j]); p >= minNormal && p <= math.MaxFloat64 {
			dst[j] = 0.5 * math.Log(p)
		} else {
			dst[j] = 0.5 * (safeLogAbs(a[j]) + safeLogAbs(b[j]))
		}
	}
}

// minNormal is the smallest positive normal float64, 2⁻¹⁰²².
const minNormal = 0x1p-1022

// minLog is ln of the smallest positive float64; weights that underflowed to
// zero are reported at that level so that no output is −Inf.
var minLog = math.Log(math.SmallestNonzeroFloat64)

func safeLogAbs(x float64) float64 {
	if x == 0 {
		return minLog
	}
	return math.Log(math.Abs(x))
}

// tiltFromWeights writes z̃ = ¼ ln|w₊/w₋| + ½G with G = Xᵀc (§5).
func (c *core) tiltFromWeights(dst, wp, wm []float64) {
	transposeTimes(c.prob, 1, c.spanCoef, dst)
	for j, g := range dst {
		dst[j] = 0.25*(safeLogAbs(wp[j])-safeLogAbs(wm[j])) + 0.5*g
	}
}

// dot is xᵀy: the AVX2 kernel for the bulk where there is one, gonum's
// assembly for the rest.
func dot(x, y []float64) float64 {
	var s float64
	k := 0
	if haveAVX2 {
		k = len(x) &^ 15
		if k > 0 {
			s = dotAVX2(x[:k], y[:k])
		}
	}
	return s + blas64.Implementation().Ddot(len(x)-k, x[k:], 1, y[k:len(x)], 1)
}

// axpy sets y += a·x through gonum's assembly kernel.
func axpy(a float64, x, y []float64) {
	blas64.Implementation().Daxpy(len(x), a, x, 1, y, 1)
}
