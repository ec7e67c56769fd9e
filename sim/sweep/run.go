package sweep

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sgdbias/sim"
	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// Shard is the K-th of N disjoint slices of a sweep's jobs (0 ≤ K < N): the
// jobs whose index is K modulo N. Interleaving spreads the expensive parts of
// the grid over every shard. The zero value, like 0/1, is the whole sweep.
type Shard struct {
	K int `json:"k"`
	N int `json:"n"`
}

// Whole reports whether the shard is the whole sweep.
func (s Shard) Whole() bool { return s.N <= 1 }

// Contains reports whether job i belongs to the shard.
func (s Shard) Contains(i int) bool { return s.Whole() || i%s.N == s.K }

// Jobs lists the indices of the shard's jobs among total, in order.
func (s Shard) Jobs(total int) []int {
	if s.Whole() {
		s = Shard{K: 0, N: 1}
	}
	out := make([]int, 0, (total+s.N-1)/s.N)
	for i := s.K; i < total; i += s.N {
		out = append(out, i)
	}
	return out
}

func (s Shard) String() string {
	if s.Whole() {
		return "0/1"
	}
	return fmt.Sprintf("%d/%d", s.K, s.N)
}

// MaxShards caps N in K/N.
const MaxShards = 1_000_000

// ParseShard parses "K/N" with 0 ≤ K < N (K is 0-based, as
// $SLURM_ARRAY_TASK_ID with --array=0-(N-1)).
func ParseShard(s string) (Shard, error) {
	ks, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	k, errK := strconv.Atoi(strings.TrimSpace(ks))
	n, errN := strconv.Atoi(strings.TrimSpace(ns))
	if !ok || errK != nil || errN != nil {
		return Shard{}, fmt.Errorf("--shard: %q is not K/N; want e.g. 0/10 (K counts from 0 to N−1)", s)
	}
	if n < 1 || n > MaxShards {
		return Shard{}, fmt.Errorf("--shard: N = %d is out of range; allowed 1 ≤ N ≤ %d", n, MaxShards)
	}
	if k < 0 || k >= n {
		return Shard{}, fmt.Errorf("--shard: K = %d is out of range; allowed 0 ≤ K ≤ %d (K counts from 0)", k, n-1)
	}
	return Shard{K: k, N: n}, nil
}

// Options control the execution of a sweep.
type Options struct {
	// Workers is the number of jobs run at once (runtime.NumCPU() when 0).
	Workers int
	// Shard selects the jobs to run; the zero value runs all of them.
	Shard Shard
	// Data is the problem of every repetition when Config.Problem is a
	// loaded file; its SHA-256 must match.
	Data *problem.Problem
	// Progress, when set, receives the fraction of the shard's work done
	// (finished jobs plus the part of the running ones). It is called from
	// the workers and must be safe for concurrent use.
	Progress func(float64)
	// NoTiming leaves the records' wall times at 0, so that the output is
	// identical between runs.
	NoTiming bool
}

// Result is a set of finished jobs of one sweep: a whole sweep, one shard,
// or shards merged together.
type Result struct {
	Config Config
	// Shard is the part of the sweep the result is meant to cover.
	Shard Shard
	// Records holds the finished jobs, sorted by job index. Jobs interrupted
	// by a cancellation are left out (see Missing).
	Records []Record
	// Interrupted is set when the run was cancelled before every job ran.
	Interrupted bool
	// WallSeconds is the time the run took (0 without timing; for a merged
	// result, the sum over the parts).
	WallSeconds float64
	// Version is the sgdbias build that produced the records, when known.
	Version string
	// Source names where the result was read from (a file), for messages.
	Source string
}

// Missing lists the jobs of the result's shard that have no record.
func (r *Result) Missing() []int {
	have := make(map[int]bool, len(r.Records))
	for _, rec := range r.Records {
		have[rec.Job] = true
	}
	var out []int
	for _, i := range r.Shard.Jobs(r.Config.Jobs()) {
		if !have[i] {
			out = append(out, i)
		}
	}
	return out
}

// Summaries aggregates the records (see Summarize).
func (r *Result) Summaries() []Summary { return Summarize(r.Config, r.Records) }

// repData is one repetition's problem and its minimum-ℓ₁ interpolator,
// prepared once however many jobs use it.
type repData struct {
	once  sync.Once
	prob  *problem.Problem
	l1    []float64 // nil when the min-ℓ₁ solve failed
	err   error     // the problem could not be drawn
	l1Err error
	// saddles is the small-α schedule of the data (theory.md §9), nil when
	// its solve failed.
	saddles *theory.Schedule
}

func (rd *repData) prepare(c Config, rep int, loaded *problem.Problem) {
	rd.once.Do(func() {
		if loaded != nil {
			rd.prob = loaded
		} else {
			spec, err := c.Problem.Spec(c.DataSeed(rep))
			if err == nil {
				rd.prob, err = problem.Generate(spec)
			}
			if err != nil {
				rd.err = fmt.Errorf("data seed %d: %w", c.DataSeed(rep), err)
				return
			}
		}
		solver := theory.NewSolver(rd.prob.N, rd.prob.D, rd.prob.X, rd.prob.Y)
		if sc, err := solver.Saddles(); err == nil {
			rd.saddles = &sc
		}
		res, err := solver.MinL1()
		if err != nil {
			rd.l1Err = err
			return
		}
		rd.l1 = res.Beta
	})
}

// Run runs the jobs of opt.Shard on a pool of workers. When ctx is cancelled
// it stops promptly, keeps the jobs that finished, and returns them with
// ctx's error; every worker has returned by then.
func Run(ctx context.Context, c Config, opt Options) (*Result, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Problem.Loaded() {
		if opt.Data == nil {
			return nil, errors.New("--data: the sweep is on a loaded problem but none was given")
		}
		if h := ProblemSHA256(opt.Data); h != c.Problem.DataSHA256 {
			return nil, fmt.Errorf("--data: the problem's SHA-256 %.12s… differs from the sweep's %.12s…", h, c.Problem.DataSHA256)
		}
	}
	start := time.Now()
	jobs := opt.Shard.Jobs(c.Jobs())
	reps := make([]repData, c.Reps)
	records := make([]Record, len(jobs))
	done := make([]bool, len(jobs))

	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = max(1, min(workers, len(jobs)))
	prog := newProgress(len(jobs), workers, opt.Progress)

	feed := make(chan int)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range feed {
				job := c.Job(jobs[k])
				rd := &reps[job.Rep]
				if c.Problem.Loaded() {
					rd = &reps[0] // one problem, one min-ℓ₁ solve
				}
				rd.prepare(c, job.Rep, opt.Data)
				t0 := time.Now()
				rec, err := runJob(ctx, c, job, rd, func(f float64) { prog.set(w, f) })
				if err != nil { // cancelled: the job is dropped
					continue
				}
				if !opt.NoTiming {
					rec.Seconds = time.Since(t0).Seconds()
				}
				records[k], done[k] = rec, true
				prog.finish(w)
			}
		}()
	}
feeding:
	for k := range jobs {
		select {
		case feed <- k:
		case <-ctx.Done():
			break feeding
		}
	}
	close(feed)
	wg.Wait()

	res := &Result{Config: c, Shard: opt.Shard}
	if res.Shard.Whole() {
		res.Shard = Shard{}
	}
	for k := range jobs {
		if done[k] {
			res.Records = append(res.Records, records[k])
		}
	}
	res.Interrupted = len(res.Records) < len(jobs)
	if !opt.NoTiming {
		res.WallSeconds = time.Since(start).Seconds()
	}
	if res.Interrupted {
		err := ctx.Err()
		if err == nil {
			err = context.Canceled
		}
		return res, err
	}
	return res, nil
}

// progress tracks finished jobs and the fraction of each worker's current
// job, and reports their sum over the total.
type progress struct {
	total    int
	finished atomic.Int64
	current  []atomic.Uint64 // per worker: fraction × 1e6 of the running job
	report   func(float64)
}

func newProgress(total, workers int, report func(float64)) *progress {
	return &progress{total: total, current: make([]atomic.Uint64, workers), report: report}
}

func (p *progress) set(w int, f float64) {
	if p.report == nil {
		return
	}
	p.current[w].Store(uint64(math.Max(0, math.Min(1, f)) * 1e6))
	p.emit()
}

func (p *progress) finish(w int) {
	p.finished.Add(1)
	if p.report == nil {
		return
	}
	p.current[w].Store(0)
	p.emit()
}

func (p *progress) emit() {
	sum := float64(p.finished.Load())
	for i := range p.current {
		sum += float64(p.current[i].Load()) / 1e6
	}
	p.report(math.Min(1, sum/float64(max(1, p.total))))
}

// Loss checks: a run looks at its training loss at least every 1% of the
// steps it has taken and at most every maxCheckSteps steps, so the steps to
// converge are exact to within 1% at a cost of a few hundred loss
// evaluations per run.
const (
	checkFraction = 0.01
	maxCheckSteps = 1024
)

// runJob runs one job to its horizon; it returns an error only when ctx was
// cancelled.
func runJob(ctx context.Context, c Config, job Job, rd *repData, progress func(float64)) (Record, error) {
	rec := Record{Job: job.Index, Point: job.Point, Algo: job.Algo, Rep: job.Rep}
	if rd.err != nil {
		rec.Error = rd.err.Error()
		return rec, nil
	}
	p := rd.prob
	pt := c.Grid.Point(job.Point)
	init := sim.UniformInit(pt.Alpha, p.D)
	params := sim.Params{Step: pt.Step, Noise: pt.Noise, Batch: pt.Batch, Reshuffle: c.Reshuffle,
		LabelNoise: c.LabelNoise, Momentum: c.Momentum}
	m, err := sim.NewMethod(job.Algo, p, sim.Config{Algos: []sim.Algo{job.Algo}, Init: init, Params: params, Seed: c.DataSeed(job.Rep)})
	if err != nil {
		rec.Error = err.Error()
		return rec, nil
	}
	s := sim.NewSampler(p, init)
	end := c.Horizon.End(pt.Step)
	tol := c.Horizon.Tol
	jumps := newJumpTrace(rd.saddles, pt.Alpha, s, m)
	for {
		steps := m.State().Steps
		gap := math.Max(1, math.Min(maxCheckSteps, math.Floor(checkFraction*float64(steps))))
		// The chunk ends gap steps of γ ahead in time too, so that GF, whose
		// steps are longer, is checked as often as the others.
		next := math.Min(end, m.State().Time+gap*sim.TimePerStep(m.Algo(), m.Params()))
		adv := sim.Advance(ctx, m, next, int64(gap))
		switch adv.Outcome {
		case sim.Cancelled:
			return rec, adv.Err
		case sim.Diverged:
			rec.Diverged, rec.Divergence = true, adv.Divergence.Error()
			rec.Steps, rec.Time = adv.Divergence.Step, adv.Divergence.Time
			return rec, nil
		case sim.Failed:
			rec.Error = adv.Err.Error()
			return rec, nil
		}
		progress(m.State().Time / end)
		jumps.record(s, m)
		if tol > 0 && s.Loss(m) <= tol {
			rec.Converged = true
			break
		}
		if adv.Outcome == sim.Reached && next == end {
			break
		}
	}
	smp := s.Measure(m)
	rec.Steps, rec.Time = smp.Steps, smp.Time
	if !smp.Finite() {
		rec.Diverged, rec.Divergence = true, "non-finite metrics at the end of the run"
		return rec, nil
	}
	if smp.HasTestError {
		rec.TestError = ptr(smp.TestError)
	}
	rec.L1Norm = ptr(smp.L1)
	rec.AlphaRatio = ptr(smp.AlphaGeoMean / pt.Alpha)
	rec.JumpError = jumps.jumpError(end)
	if rd.l1 != nil {
		var ss float64
		for j, b := range m.State().Beta {
			e := b - rd.l1[j]
			ss += e * e
		}
		rec.L1Distance = ptr(math.Sqrt(ss))
	}
	return rec, nil
}

func ptr(v float64) *float64 { return &v }
