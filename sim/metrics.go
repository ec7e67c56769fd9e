package sim

import (
	"math"

	"sgdbias/sim/problem"
)

// Sample is the set of metrics taken from one method at one moment.
// Fields that may be unavailable come with a Has flag, never as NaN.
type Sample struct {
	Algo         Algo
	Time         float64
	Steps        int64
	Loss         float64 // training loss L(β) = ‖Xβ − y‖²/(4n), full batch
	L1           float64 // ‖β‖₁
	TestError    float64 // (β−β*)ᵀΣ(β−β*), when β* is known
	HasTestError bool
	// The effective initialisation α_t = √|w₊w₋| summarised over coordinates.
	AlphaGeoMean, AlphaMin, AlphaMax float64
	IntLoss                          float64 // ∫L dt so far
	// GainMean is the mean over coordinates of ln(α²/α_t²), the gain of §5.
	GainMean float64
	// PredictionError is ‖β − β̂‖₂/‖β̂‖₂ with β̂ the predicted limit from the
	// current state (argmin φ_{α_t} with tilt over Xβ = y), when computed.
	PredictionError float64
	HasPrediction   bool
}

// Sampler measures methods on one problem without allocating.
type Sampler struct {
	prob *problem.Problem
	// sumLogAlpha is Σ_j ln α_j at initialisation: the mean gain needs only
	// this sum, not a vector of length d.
	sumLogAlpha float64
	// logAlphaT receives ln α_t: effectiveInitChunk entries at a time from
	// the methods that write it by ranges, all d for the others (allocated
	// at their first measure).
	logAlphaT []float64
	resid     []float64
	// lossTwoCores is set when the residual is computed on two cores
	// (sampleloss.go): rowsHelper, started at the first such sample, runs
	// the upper half of the rows, or in Measure the last rows and the
	// metrics other than the loss (others).
	lossTwoCores bool
	rowsHelper   *gdHelper
	rows         [2]residualRows
	others       otherMetrics
	// background takes a run's samples on the second core from copies of
	// the state (samplebackground.go); started at the first run that can.
	background *backgroundSampler
}

// effectiveInitChunk is how many coordinates of ln α_t the sampler reads at
// a time from a method that writes it by ranges: small enough to stay in
// the L1 cache, large enough that the calls cost nothing.
const effectiveInitChunk = 512

// NewSampler prepares buffers for measuring methods started from in.
func NewSampler(p *problem.Problem, in Init) *Sampler {
	return &Sampler{prob: p, sumLogAlpha: in.SumLogAlpha(), resid: make([]float64, p.N), lossTwoCores: lossOnTwoCores(p)}
}

// measured is what a sample reads of a method: a Method, or a copy of the
// state of one, measured on another core while the method steps on
// (frozenWeights).
type measured interface {
	Algo() Algo
	State() *State
	LogEffectiveInit(dst []float64)
}

// Measure computes every metric except the prediction error. The loss
// reads X and the other metrics read β and the weights: from
// lossSplitMinElems entries, unless m holds its residual, the others are
// computed on a second core while this one computes the residual, with
// the same numbers as on one core.
func (s *Sampler) Measure(m Method) Sample { return s.measure(m) }

func (s *Sampler) measure(m measured) Sample {
	st := m.State()
	out := Sample{Algo: m.Algo(), Time: st.Time, Steps: st.Steps, IntLoss: st.IntLoss}
	s.others = otherMetrics{s: s, m: m}
	if h := s.helperFor(m); h != nil {
		// A first ln α_t on this goroutine brings any state the method
		// computes on demand up to date, so that the two cores only read.
		s.logAlphaT = growTo(s.logAlphaT, 1)
		unwrapRanged(m).logEffectiveInitFrom(s.logAlphaT[:1], 0)
		// This core computes the first rows of the residual, the second
		// core the last rows and then the other metrics, which take about
		// as long as 30% of the rows (BenchmarkSample at (400, 4000); 60%,
		// 65% and 70% measured alike). The rows' split keeps residual's
		// numbers (residualRows).
		p, beta := s.prob, st.Beta
		mid := (p.N * 13 / 20) &^ 3
		s.rows[0] = residualRows{p: p, beta: beta, r: s.resid, lo: 0, hi: mid}
		s.others.rows = residualRows{p: p, beta: beta, r: s.resid, lo: mid, hi: p.N}
		runParts(h, &s.rows[0], &s.others, true)
		out.Loss = squaredNorm(s.resid) / (4 * float64(p.N))
	} else {
		out.Loss = s.loss(m)
		s.others.run()
	}
	s.others.fill(&out)
	return out
}

// otherMetrics is a sample's metrics other than the loss, as a job for
// either core; on the second core it first computes rows of the residual.
type otherMetrics struct {
	s           *Sampler
	m           measured
	rows        residualRows // none when hi = lo
	l1, testErr float64
	hasTestErr  bool
	alpha       logAlphaSummary
}

func (j *otherMetrics) run() {
	if j.rows.hi > j.rows.lo {
		j.rows.run()
	}
	s, m := j.s, j.m
	beta := m.State().Beta
	j.l1 = 0
	for _, b := range beta {
		j.l1 += math.Abs(b)
	}
	j.testErr, j.hasTestErr = s.prob.TestError(beta)
	acc := &j.alpha
	acc.start()
	if effectiveInitRanged(m) {
		s.logAlphaT = growTo(s.logAlphaT, min(effectiveInitChunk, s.prob.D))
		r := unwrapRanged(m)
		for lo := 0; lo < s.prob.D; lo += effectiveInitChunk {
			chunk := s.logAlphaT[:min(effectiveInitChunk, s.prob.D-lo)]
			r.logEffectiveInitFrom(chunk, lo)
			acc.add(chunk)
		}
	} else {
		s.logAlphaT = growTo(s.logAlphaT, s.prob.D)
		m.LogEffectiveInit(s.logAlphaT)
		acc.add(s.logAlphaT)
	}
}

// fill writes the metrics into out.
func (j *otherMetrics) fill(out *Sample) {
	out.L1, out.TestError, out.HasTestError = j.l1, j.testErr, j.hasTestErr
	acc, d := j.alpha, float64(j.s.prob.D)
	out.AlphaMin, out.AlphaMax = math.Exp(acc.lo), math.Exp(acc.hi)
	// The mean of the logarithms is within [lo, hi] in exact arithmetic but
	// its rounded sum can step outside by an ulp or so; clamp it back.
	out.AlphaGeoMean = math.Min(math.Max(math.Exp(acc.sum/d), out.AlphaMin), out.AlphaMax)
	out.GainMean = 2 * (j.s.sumLogAlpha - acc.sum) / d
}

// logAlphaSummary accumulates the least, largest and summed ln α_t in
// coordinate order, so that reading by chunks gives the numbers of one pass.
type logAlphaSummary struct{ lo, hi, sum float64 }

func (a *logAlphaSummary) start() { a.lo, a.hi, a.sum = math.Inf(1), math.Inf(-1), 0 }

// add uses plain comparisons, not math.Min/Max: at d = 1e6 their NaN and
// signed-zero cases made the summary most of a sample's time. A NaN is
// still seen, through the sum, and makes the sample not Finite.
func (a *logAlphaSummary) add(logAlpha []float64) {
	lo, hi, sum := a.lo, a.hi, a.sum
	for _, la := range logAlpha {
		if la < lo {
			lo = la
		}
		if la > hi {
			hi = la
		}
		sum += la
	}
	a.lo, a.hi, a.sum = lo, hi, sum
}

// growTo returns buf with length n, reallocated only when too short.
func growTo(buf []float64, n int) []float64 {
	if cap(buf) < n {
		return make([]float64, n)
	}
	return buf[:n]
}

// Finite reports whether every number in the sample is finite, so that
// outputs can refuse to print one that is not.
func (s Sample) Finite() bool {
	for _, v := range []float64{s.Time, s.Loss, s.L1, s.TestError, s.AlphaGeoMean, s.AlphaMin, s.AlphaMax, s.IntLoss, s.GainMean, s.PredictionError} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
