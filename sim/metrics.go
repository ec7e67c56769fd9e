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
	// the upper half of the rows.
	lossTwoCores bool
	rowsHelper   *gdHelper
	rows         [2]residualRows
}

// effectiveInitChunk is how many coordinates of ln α_t the sampler reads at
// a time from a method that writes it by ranges: small enough to stay in
// the L1 cache, large enough that the calls cost nothing.
const effectiveInitChunk = 512

// NewSampler prepares buffers for measuring methods started from in.
func NewSampler(p *problem.Problem, in Init) *Sampler {
	return &Sampler{prob: p, sumLogAlpha: in.SumLogAlpha(), resid: make([]float64, p.N), lossTwoCores: lossOnTwoCores(p)}
}

// Measure computes every metric except the prediction error.
func (s *Sampler) Measure(m Method) Sample {
	st := m.State()
	out := Sample{Algo: m.Algo(), Time: st.Time, Steps: st.Steps, IntLoss: st.IntLoss}
	out.Loss = s.loss(m)
	for _, b := range st.Beta {
		out.L1 += math.Abs(b)
	}
	out.TestError, out.HasTestError = s.prob.TestError(st.Beta)
	var acc logAlphaSummary
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
	d := float64(s.prob.D)
	out.AlphaMin, out.AlphaMax = math.Exp(acc.lo), math.Exp(acc.hi)
	// The mean of the logarithms is within [lo, hi] in exact arithmetic but
	// its rounded sum can step outside by an ulp or so; clamp it back.
	out.AlphaGeoMean = math.Min(math.Max(math.Exp(acc.sum/d), out.AlphaMin), out.AlphaMax)
	out.GainMean = 2 * (s.sumLogAlpha - acc.sum) / d
	return out
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
