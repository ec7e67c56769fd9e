package live

import (
	"errors"
	"math"
	"time"

	"sgdbias/sim"
	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// The solver worker runs the theory solves that would stall the clock at
// large sizes: the reference levels (once per problem and α) and the
// predicted limits (throttled by wall time). It owns its solvers and
// predictors; the runner hands it copies of the state it needs, so nothing
// is shared but the problem, which never changes after it is built.

type jobKind int

const (
	jobRefs jobKind = iota
	jobPredict
)

type job struct {
	kind     jobKind
	gen      uint64
	prob     *problem.Problem
	algo     sim.Algo
	idx      int
	time     float64   // the run's time when the state was taken
	logAlpha []float64 // ln α (refs) or ln α_t (prediction)
	tilt     []float64 // prediction only
}

type result struct {
	kind jobKind
	gen  uint64
	idx  int
	time float64
	dur  time.Duration

	// Prediction.
	beta []float64
	err  error

	// References.
	refs    References
	gfLimit []float64
}

type worker struct {
	gen   uint64
	preds map[int]*sim.Predictor
}

func (w *worker) loop(jobs <-chan job, results chan<- result, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case j := <-jobs:
			start := time.Now()
			r := w.do(j)
			r.dur = time.Since(start)
			select {
			case results <- r:
			case <-stop:
				return
			}
		}
	}
}

func (w *worker) do(j job) result {
	if j.gen != w.gen || w.preds == nil {
		w.gen, w.preds = j.gen, map[int]*sim.Predictor{}
	}
	r := result{kind: j.kind, gen: j.gen, idx: j.idx, time: j.time}
	switch j.kind {
	case jobRefs:
		r.refs, r.gfLimit = solveRefs(j.prob, j.logAlpha)
	case jobPredict:
		pr := w.preds[j.idx]
		if pr == nil {
			pr = sim.NewPredictor(j.prob)
			w.preds[j.idx] = pr
		}
		r.beta, r.err = pr.Predict(&frozen{algo: j.algo, logAlpha: j.logAlpha, tilt: j.tilt})
	}
	return r
}

// solveRefs computes ‖·‖₁ and the test error of the GF limit argmin φ_α and
// of the minimum-ℓ₁ interpolator.
func solveRefs(p *problem.Problem, logAlpha []float64) (References, []float64) {
	refs := References{Ready: true}
	solver := theory.NewSolver(p.N, p.D, p.X, p.Y)
	var gf []float64
	var errs []string
	if res, err := solver.PhiArgmin(logAlpha, nil, nil); err == nil {
		gf = res.Beta
		refs.GFLimitL1, refs.HasGFLimit = l1(gf), true
		refs.GFLimitTestError, _ = p.TestError(gf)
	} else {
		errs = append(errs, "GF limit: "+err.Error())
	}
	if res, err := solver.MinL1(); err == nil {
		refs.MinL1, refs.HasMinL1 = l1(res.Beta), true
		refs.MinL1TestError, _ = p.TestError(res.Beta)
	} else {
		errs = append(errs, "min-ℓ₁: "+err.Error())
	}
	if len(errs) > 0 {
		refs.Err = errs[0]
	}
	return refs, gf
}

func l1(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += math.Abs(x)
	}
	return s
}

// frozen is a copy of the part of a method's state that sim.Predictor
// reads (ln α_t and the tilt), so that the prediction can run while the
// method itself goes on stepping in the runner's goroutine.
type frozen struct {
	algo           sim.Algo
	logAlpha, tilt []float64
	state          sim.State
}

var errFrozen = errors.New("live: a frozen copy of a method cannot step")

func (f *frozen) Algo() sim.Algo                 { return f.algo }
func (f *frozen) Step() error                    { return errFrozen }
func (f *frozen) AdvanceTo(float64) error        { return errFrozen }
func (f *frozen) SetParams(sim.Params) error     { return errFrozen }
func (f *frozen) Params() sim.Params             { return sim.Params{} }
func (f *frozen) Reset()                         {}
func (f *frozen) State() *sim.State              { return &f.state }
func (f *frozen) LogEffectiveInit(dst []float64) { copy(dst, f.logAlpha) }
func (f *frozen) Tilt(dst []float64)             { copy(dst, f.tilt) }
func (f *frozen) Err() *sim.DivergenceError      { return nil }
