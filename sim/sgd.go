package sim

import (
	"math"
	"math/rand/v2"

	"sgdbias/sim/problem"
)

// Random streams: each stochastic algorithm draws from its own PCG stream of
// the run's seed, so enabling one algorithm never changes another's draws.
const (
	streamSGD   uint64 = 0x5347_4400 // "SGD"
	streamSGF   uint64 = 0x5347_4600 // "SGF"
	streamLNSGD uint64 = 0x4c4e_5347 // "LNSG"
)

// sgdMethod is minibatch SGD on w±: the update (U) with the minibatch
// gradient g = X_Bᵀr_B/b (§2). Batches are drawn uniformly without
// replacement within a batch, or, with Reshuffle, as consecutive slices of a
// fresh permutation each epoch. As LNSGD it adds fresh label noise
// ε ~ N(0, δ) to every sampled label (§6).
type sgdMethod struct {
	core
	algo    Algo
	stream  uint64
	wp, wm  []float64
	seed    uint64
	rng     *rand.Rand
	perm    []int // sample indices; a batch is a slice of it
	epochAt int   // next unused position in perm when reshuffling
}

// NewSGD returns minibatch SGD from the initialisation in; seed fixes the
// sampling. Params.LabelNoise is ignored.
func NewSGD(p *problem.Problem, in Init, params Params, seed uint64) (Method, error) {
	params.LabelNoise = 0
	return newSGD(SGD, streamSGD, p, in, params, seed)
}

// NewLabelNoiseSGD returns SGD with fresh label noise of variance
// Params.LabelNoise at every step (§6); with batch n it is label-noise GD.
func NewLabelNoiseSGD(p *problem.Problem, in Init, params Params, seed uint64) (Method, error) {
	return newSGD(LNSGD, streamLNSGD, p, in, params, seed)
}

func newSGD(a Algo, stream uint64, p *problem.Problem, in Init, params Params, seed uint64) (Method, error) {
	c, err := newCore(p, in, params)
	if err != nil {
		return nil, err
	}
	m := &sgdMethod{
		core: c, algo: a, stream: stream, wp: make([]float64, p.D), wm: make([]float64, p.D),
		seed: seed, perm: make([]int, p.N),
	}
	m.Reset()
	return m, nil
}

func (m *sgdMethod) Algo() Algo { return m.algo }

// SetParams keeps plain SGD free of label noise whatever it is given.
func (m *sgdMethod) SetParams(p Params) error {
	if m.algo == SGD {
		p.LabelNoise = 0
	}
	return m.core.SetParams(p)
}

func (m *sgdMethod) Reset() {
	m.resetCore()
	m.fillAlpha(m.wp, m.wm)
	m.rng = rand.New(rand.NewPCG(m.seed, m.stream))
	for i := range m.perm {
		m.perm[i] = i
	}
	m.epochAt = len(m.perm) // forces a shuffle at the first reshuffled batch
}

// nextBatch returns the indices of the next minibatch without allocating.
func (m *sgdMethod) nextBatch(b int) []int {
	n := len(m.perm)
	if m.params.Reshuffle {
		if m.epochAt+b > n {
			m.rng.Shuffle(n, func(i, j int) { m.perm[i], m.perm[j] = m.perm[j], m.perm[i] })
			m.epochAt = 0
		}
		batch := m.perm[m.epochAt : m.epochAt+b]
		m.epochAt += b
		return batch
	}
	// Partial Fisher–Yates: the first b entries become a uniform sample
	// without replacement.
	for k := 0; k < b; k++ {
		j := k + m.rng.IntN(n-k)
		m.perm[k], m.perm[j] = m.perm[j], m.perm[k]
	}
	return m.perm[:b]
}

func (m *sgdMethod) Step() error {
	if m.err != nil {
		return m.err
	}
	b := m.params.Batch
	gamma := m.params.Step
	var norm2, lossEstimate float64
	if b == 1 && !m.params.Reshuffle {
		// The common case, written out: one row, no gradient buffer.
		i := m.rng.IntN(m.prob.N)
		row := m.prob.Row(i)
		clean := dot(row, m.state.Beta) - m.prob.Y[i]
		lossEstimate = clean * clean / 4
		r := clean - m.labelNoise()
		norm2 = multiplicativeUpdate(m.wp, m.wm, m.state.Beta, row, gamma*r)
		m.spanCoef[i] += gamma * r
	} else {
		lossEstimate = m.batchGradient(m.nextBatch(b), gamma)
		norm2 = multiplicativeUpdate(m.wp, m.wm, m.state.Beta, m.grad, gamma)
	}
	if !m.noteLoss(lossEstimate) {
		return m.fail(m.algo)
	}
	m.state.IntLoss += lossEstimate * gamma
	m.tick()
	if diverged(norm2) {
		return m.fail(m.algo)
	}
	if norm2 == 0 && m.weightsUnderflowed(m.wp, m.wm) {
		return m.stop(m.algo, true, collapseCause)
	}
	return nil
}

// labelNoise draws the fresh label noise ε ~ N(0, δ) of one sample, 0 for
// plain SGD (without a draw, so that SGD's stream is only batch indices).
func (m *sgdMethod) labelNoise() float64 {
	if m.params.LabelNoise == 0 {
		return 0
	}
	return math.Sqrt(m.params.LabelNoise) * m.rng.NormFloat64()
}

// batchGradient sets grad = X_Bᵀr_B/b (with label noise for LNSGD), adds
// γr_B/b to the span coefficients, and returns the clean minibatch loss
// ‖r_B‖²/(4b), an unbiased estimate of L(β).
func (m *sgdMethod) batchGradient(batch []int, gamma float64) float64 {
	clear(m.grad)
	scale := 1 / float64(len(batch))
	var ss float64
	for _, i := range batch {
		row := m.prob.Row(i)
		clean := dot(row, m.state.Beta) - m.prob.Y[i]
		ss += clean * clean
		r := clean - m.labelNoise()
		axpy(r*scale, row, m.grad)
		m.spanCoef[i] += gamma * r * scale
	}
	return ss * scale / 4
}

func (m *sgdMethod) AdvanceTo(t float64) error { return advanceDiscrete(m, &m.core, t) }

func (m *sgdMethod) LogEffectiveInit(dst []float64) { halfLogAbsProduct(dst, m.wp, m.wm) }
func (m *sgdMethod) Tilt(dst []float64)             { m.tiltFromWeights(dst, m.wp, m.wm) }
