package cli

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// runPlan is everything a headless execution needs.
type runPlan struct {
	prob       *problem.Problem
	cfg        sim.Config
	opts       sim.RunOptions // without callbacks; execute adds them
	references bool
	// predictSamples asks for the distance to the predicted limit at every
	// sample, not only at the end.
	predictSamples bool
	// predictFinal asks for the predicted limit at the end of each run; a
	// report without it (--predict never) runs no solve for it.
	predictFinal bool
}

// runOutcome is one algorithm's result with what the report needs.
type runOutcome struct {
	algo      sim.Algo
	result    sim.RunResult
	trace     []sim.Sample
	predicted []float64 // nil when the prediction failed or the run diverged
	predErr   error
	err       error // a failure that is not a divergence
}

// status is how the run ended; a run that could not be built failed.
func (o runOutcome) status() sim.Status {
	if o.err != nil {
		return sim.StatusFailed
	}
	return o.result.Status
}

// failure is the reason a run that is not a result ended, or nil.
func (o runOutcome) failure() error {
	if o.err != nil {
		return o.err
	}
	return o.result.Err()
}

// execute runs every algorithm (and the reference solves) on a pool of
// runtime.NumCPU() workers. progress receives the mean fraction done. When
// ctx ends it returns at once with the runs that had finished (done[i]) and
// refsDone telling whether the references had: the engine checks ctx only
// between chunks of steps, so the jobs still running are abandoned to
// finish in the background.
func execute(ctx context.Context, plan runPlan, progress func(float64)) (outcomes []runOutcome, done []bool, refs sim.References, refsDone bool) {
	var mu sync.Mutex // guards results, finished, refs and refsDone
	results := make([]runOutcome, len(plan.cfg.Algos))
	finished := make([]bool, len(plan.cfg.Algos))
	fractions := make([]atomic.Uint64, len(plan.cfg.Algos)) // per-mille done
	report := func() {
		if progress == nil {
			return
		}
		var sum uint64
		for i := range fractions {
			sum += fractions[i].Load()
		}
		progress(float64(sum) / 1000 / float64(len(fractions)))
	}
	jobs := make(chan func(), len(plan.cfg.Algos)+1)
	if plan.references {
		jobs <- func() {
			r := sim.SolveReferences(ctx, plan.prob, plan.cfg.Init, sim.AllRefs)
			mu.Lock()
			refs, refsDone = r, ctx.Err() == nil
			mu.Unlock()
		}
	}
	for i, a := range plan.cfg.Algos {
		jobs <- func() {
			o := runOne(ctx, plan, a, func(f float64) {
				fractions[i].Store(uint64(1000 * f))
				report()
			})
			mu.Lock()
			results[i], finished[i] = o, ctx.Err() == nil || o.err == nil
			mu.Unlock()
		}
	}
	close(jobs)
	all := make(chan struct{})
	var wg sync.WaitGroup
	for range max(1, runtime.NumCPU()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range jobs {
				if ctx.Err() == nil {
					job()
				}
			}
		}()
	}
	go func() { wg.Wait(); close(all) }()
	select {
	case <-all:
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	return slices.Clone(results), slices.Clone(finished), refs, refsDone
}

// runOne runs one algorithm to the horizon and predicts its limit.
func runOne(ctx context.Context, plan runPlan, a sim.Algo, progress func(float64)) runOutcome {
	out := runOutcome{algo: a}
	m, err := sim.NewMethod(a, plan.prob, plan.cfg)
	if err != nil {
		out.err = err
		return out
	}
	opts := plan.opts
	opts.OnSample = func(s sim.Sample) { out.trace = append(out.trace, s) }
	opts.OnProgress = progress
	predictor := sim.NewPredictor(plan.prob)
	predictor.SetContext(ctx) // Ctrl+C stops a long final solve too
	if plan.predictSamples {
		opts.Predictor = predictor
	}
	out.result, out.err = sim.Run(ctx, m, sim.NewSampler(plan.prob, plan.cfg.Init), opts)
	progress(1)
	if plan.predictFinal && out.err == nil && out.result.Status.OK() { // no limit for a run that stopped
		out.predicted, out.predErr = predictor.Predict(m)
	}
	return out
}
