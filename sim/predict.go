package sim

import (
	"context"
	"math"

	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// Predictor computes the limit a method is heading to, from its current
// state: argmin { φ_{α_t}(β) − ⟨z̃_t, β⟩ : Xβ = y } (§4 mirror structure, §5
// tilt). It warm-starts each solve from the previous dual vector, so a live
// run can ask every few hundred steps for a few Newton steps' cost.
//
// Its buffers (a solver's workspace is about ten vectors of length d and an
// n×d matrix) are allocated by the first solve, so that a predictor that is
// never asked costs nothing.
type Predictor struct {
	prob     *problem.Problem
	ctx      context.Context
	solver   *theory.Solver
	logAlpha []float64
	tilt     []float64
	nu       []float64 // dual of the last solve, the next warm start
}

// NewPredictor prepares a predictor for one method on p.
func NewPredictor(p *problem.Problem) *Predictor {
	return &Predictor{prob: p}
}

// SetContext makes later solves stop early (with an error) once ctx is done.
func (pr *Predictor) SetContext(ctx context.Context) {
	pr.ctx = ctx
	if pr.solver != nil {
		pr.solver.Context = ctx
	}
}

// prepare allocates the solver and the state buffers on first use.
func (pr *Predictor) prepare() {
	if pr.solver != nil {
		return
	}
	p := pr.prob
	pr.solver = theory.NewSolver(p.N, p.D, p.X, p.Y)
	pr.solver.Context = pr.ctx
	pr.logAlpha = make([]float64, p.D)
	pr.tilt = make([]float64, p.D)
}

// Predict returns the predicted limit β̂ of m from its current state.
func (pr *Predictor) Predict(m Method) ([]float64, error) {
	pr.prepare()
	m.LogEffectiveInit(pr.logAlpha)
	m.Tilt(pr.tilt)
	return pr.PredictFrom(pr.logAlpha, pr.tilt)
}

// PredictFrom returns argmin { φ_α(β) − ⟨tilt, β⟩ : Xβ = y } for a state read
// earlier (ln α_t and z̃_t per coordinate), so that the solve can run away
// from the goroutine that steps the method.
func (pr *Predictor) PredictFrom(logAlpha, tilt []float64) ([]float64, error) {
	pr.prepare()
	countSolves(pr.ctx, 1)
	res, err := pr.solver.PhiArgmin(logAlpha, tilt, pr.nu)
	if err != nil {
		pr.nu = nil // a failed warm start must not poison the next solve
		return nil, err
	}
	pr.nu = res.Nu
	return res.Beta, nil
}

// ForgetWarmStart makes the next solve start cold. A warm start changes the
// last digits of β̂, so a state predicted twice along different histories
// would show different digits; a cold solve gives one answer per state.
func (pr *Predictor) ForgetWarmStart() { pr.nu = nil }

// Measure fills the sample's prediction error from β̂.
func (pr *Predictor) Measure(m Method, s *Sample) ([]float64, error) {
	pred, err := pr.Predict(m)
	if err != nil {
		return nil, err
	}
	s.PredictionError = RelativeDistance(m.State().Beta, pred)
	s.HasPrediction = true
	return pred, nil
}

// RelativeDistance is ‖a − b‖₂/‖b‖₂ (‖a − b‖₂ when b = 0).
func RelativeDistance(a, b []float64) float64 {
	var num, den float64
	for j := range a {
		e := a[j] - b[j]
		num += e * e
		den += b[j] * b[j]
	}
	if den == 0 {
		return math.Sqrt(num)
	}
	return math.Sqrt(num / den)
}
