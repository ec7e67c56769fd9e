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
	logAlphaT   []float64 // ln α_t of the last measure
	resid       []float64
}

// NewSampler prepares buffers for measuring methods started from in.
func NewSampler(p *problem.Problem, in Init) *Sampler {
	var sum float64
	for _, a := range in.Alpha {
		sum += math.Log(a)
	}
	return &Sampler{prob: p, sumLogAlpha: sum, logAlphaT: make([]float64, p.D), resid: make([]float64, p.N)}
}

// Measure computes every metric except the prediction error.
func (s *Sampler) Measure(m Method) Sample {
	st := m.State()
	out := Sample{Algo: m.Algo(), Time: st.Time, Steps: st.Steps, IntLoss: st.IntLoss}
	out.Loss = residual(s.prob, st.Beta, s.resid)
	for _, b := range st.Beta {
		out.L1 += math.Abs(b)
	}
	out.TestError, out.HasTestError = s.prob.TestError(st.Beta)
	m.LogEffectiveInit(s.logAlphaT)
	lo, hi, sum := math.Inf(1), math.Inf(-1), 0.0
	for _, la := range s.logAlphaT {
		lo, hi = math.Min(lo, la), math.Max(hi, la)
		sum += la
	}
	d := float64(len(s.logAlphaT))
	out.AlphaMin, out.AlphaMax = math.Exp(lo), math.Exp(hi)
	// The mean of the logarithms is within [lo, hi] in exact arithmetic but
	// its rounded sum can step outside by an ulp or so; clamp it back.
	out.AlphaGeoMean = math.Min(math.Max(math.Exp(sum/d), out.AlphaMin), out.AlphaMax)
	out.GainMean = 2 * (s.sumLogAlpha - sum) / d
	return out
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
