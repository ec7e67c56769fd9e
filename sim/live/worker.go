package live

import (
	"context"
	"math"
	"time"

	"sgdbias/sim"
	"sgdbias/sim/problem"
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
	run      uint64    // prediction only: the run's id (track.id)
	time     float64   // the run's time when the state was taken
	steps    int64     // prediction only: the run's steps then
	init     sim.Init  // references only
	lasso    []float64 // references only: the Lasso's weights, nil for none
	logAlpha []float64 // prediction only: ln α_t
	cold     bool      // prediction only: solve without a warm start
	tilt     []float64 // prediction only
}

type result struct {
	kind  jobKind
	gen   uint64
	run   uint64
	time  float64
	steps int64 // of the state predicted
	dur   time.Duration

	// Prediction.
	beta []float64
	cold bool // solved without a warm start (job.cold)
	err  error

	// References.
	refs    References
	gfLimit []float64
	lasso   []float64
}

type worker struct {
	ctx    context.Context // cancelled by Runner.Stop: a solve stops at its next Newton step
	budget *Budget
	gen    uint64
	preds  map[uint64]*sim.Predictor // per run, for its warm starts
}

func (w *worker) loop(jobs <-chan job, results chan<- result, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case j := <-jobs:
			g := w.budget.Acquire(stop)
			if g == nil {
				return
			}
			start := time.Now()
			r := w.do(j)
			r.dur = time.Since(start)
			g.Release()
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
		w.gen, w.preds = j.gen, map[uint64]*sim.Predictor{}
	}
	r := result{kind: j.kind, gen: j.gen, run: j.run, time: j.time, steps: j.steps, cold: j.cold}
	switch j.kind {
	case jobRefs:
		r.refs, r.gfLimit = solveRefs(w.ctx, j.prob, j.init)
		if j.lasso != nil {
			r.lasso = solveLasso(&r.refs, j.prob, j.lasso)
		}
	case jobPredict:
		pr := w.preds[j.run]
		if pr == nil {
			pr = sim.NewPredictor(j.prob)
			if w.ctx != nil {
				pr.SetContext(w.ctx)
			}
			w.preds[j.run] = pr
		}
		if j.cold {
			pr.ForgetWarmStart()
		}
		r.beta, r.err = pr.PredictFrom(j.logAlpha, j.tilt)
	}
	return r
}

// solveRefs computes ‖·‖₁ and the test error of the GF limit argmin φ_α, of
// the minimum-ℓ₁ interpolator and of the minimum-ℓ₂ one, the kernel
// regime's limit (sim.SolveReferences); a cancelled ctx stops the solves.
func solveRefs(ctx context.Context, p *problem.Problem, in sim.Init) (References, []float64) {
	solved := sim.SolveReferences(ctx, p, in, sim.RefGFLimit|sim.RefMinL1|sim.RefMinL2)
	refs := References{Ready: true}
	if gf := solved.GFLimit; gf != nil {
		refs.GFLimitL1, refs.HasGFLimit = l1(gf), true
		refs.GFLimitTestError, _ = p.TestError(gf)
	}
	if b := solved.MinL1; b != nil {
		refs.MinL1, refs.HasMinL1 = l1(b), true
		refs.MinL1TestError, _ = p.TestError(b)
	}
	if b := solved.MinL2; b != nil {
		refs.MinL2, refs.HasMinL2 = l1(b), true
		refs.MinL2TestError, _ = p.TestError(b)
	}
	if len(solved.Errs) > 0 {
		refs.Err = solved.Errs[0].Error()
	}
	refs.Staircase = solveStaircase(ctx, p, in.LogAlpha())
	return refs, solved.GFLimit
}

func l1(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += math.Abs(x)
	}
	return s
}
