package sweep

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"sgdbias/sim"
	"sgdbias/sim/param"
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
		return Shard{}, param.Errorf(param.Shard, strconv.Quote(s), "is not K/N", "K/N such as 0/10 (K counts from 0 to N−1)")
	}
	if n < 1 || n > MaxShards {
		return Shard{}, param.OutOfRange(param.Shard, fmt.Sprintf("N = %d", n), "1 ≤ N ≤ %d", MaxShards)
	}
	if k < 0 || k >= n {
		return Shard{}, param.OutOfRange(param.Shard, fmt.Sprintf("K = %d", k), "0 ≤ K ≤ %d (K counts from 0)", n-1)
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
	// Progress, when set, receives how far the shard's work has come (see
	// Progress). It is called from the workers and must be safe for
	// concurrent use.
	Progress func(Progress)
	// Done holds records of jobs that already ran (read from a partial
	// result file of the same sweep and shard): Run keeps them and runs only
	// the shard's other jobs.
	Done []Record
	// NoTiming leaves the records' wall times at 0, so that the output is
	// identical between runs.
	NoTiming bool
	// Checkpoint, when set, receives a snapshot of the result so far (the
	// jobs finished, Interrupted set) every CheckpointEvery, to be written
	// to a file, so that a process killed outright (SIGKILL, a lost node)
	// loses at most that much work. Calls come from one goroutine, never
	// after Run has returned.
	Checkpoint      func(*Result)
	CheckpointEvery time.Duration
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
		refs := sim.SolveReferences(context.Background(), rd.prob, sim.Init{}, sim.RefMinL1|sim.RefSaddles)
		if refs.SaddlesErr == nil {
			rd.saddles = refs.Saddles
		}
		if refs.MinL1 == nil {
			rd.l1Err = refs.Err()
			return
		}
		rd.l1 = refs.MinL1
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
			return nil, param.Errorf(param.Data, "", "is missing: the sweep is on a loaded problem", "the data file the sweep was run on")
		}
		if h := ProblemSHA256(opt.Data); h != c.Problem.DataSHA256 {
			return nil, param.Errorf(param.Data, fmt.Sprintf("with SHA-256 %.12s…", h), "is not the sweep's problem", "the data with SHA-256 %.12s…", c.Problem.DataSHA256)
		}
	}
	start := time.Now()
	shardJobs := opt.Shard.Jobs(c.Jobs())
	done0, err := checkDone(c, opt.Shard, opt.Done)
	if err != nil {
		return nil, err
	}
	jobs := make([]int, 0, len(shardJobs)-len(opt.Done))
	for _, i := range shardJobs {
		if !done0[i] {
			jobs = append(jobs, i)
		}
	}
	reps := make([]repData, c.Reps)
	records := make([]Record, len(jobs))
	done := make([]bool, len(jobs))

	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = max(1, min(workers, len(jobs)))
	prog := newProgress(len(shardJobs), len(opt.Done), workers, opt.Progress)

	var mu sync.Mutex // guards records and done
	// collect gathers the records so far, those the run started with
	// included, in job order.
	collect := func() *Result {
		res := &Result{Config: c, Shard: opt.Shard}
		if res.Shard.Whole() {
			res.Shard = Shard{}
		}
		res.Records = append(res.Records, opt.Done...)
		mu.Lock()
		for k := range jobs {
			if done[k] {
				res.Records = append(res.Records, records[k])
			}
		}
		mu.Unlock()
		sort.Slice(res.Records, func(i, j int) bool { return res.Records[i].Job < res.Records[j].Job })
		res.Interrupted = len(res.Records) < len(shardJobs)
		return res
	}
	stopCheckpoints := checkpoints(opt, func() *Result {
		res := collect()
		res.Interrupted = true
		if !opt.NoTiming {
			res.WallSeconds = time.Since(start).Seconds()
		}
		return res
	})

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
				mu.Lock()
				records[k], done[k] = rec, true
				mu.Unlock()
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
	stopCheckpoints()

	res := collect()
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

// GFTolerance is GF's error control in a sweep. A sweep prints statistics
// of where runs end to three digits, and GF's limit does not depend on the
// tolerance (theory.md §3: G stays in span(Xᵀ) however coarse the steps),
// so the explorer's 1e-12 would buy digits nobody reads at twice the cost
// (DOP853's steps grow as tol^(-1/8)). TestSweepGFTolerance checks that the
// statistics agree with the default tolerance.
var GFTolerance = sim.GFTolerance{Rel: 1e-9, Abs: 1e-12}

// stepsOf is the "steps" of a finished run: its steps, and for GF, which has
// none (its integrator's count depends on the tolerance), its time in steps
// of γ, so that the column compares GF with the discrete methods.
func stepsOf(a sim.Algo, s sim.Sample, gamma float64) int64 {
	if a.Base() == sim.GF {
		return int64(math.Round(s.Time / gamma))
	}
	return s.Steps
}

// runJob runs one job to its horizon; it returns an error only when ctx was
// cancelled.
func runJob(ctx context.Context, c Config, job Job, rd *repData, progress func(float64)) (Record, error) {
	rec := Record{Job: job.Index, Point: job.Point, Algo: job.Algo, Rep: job.Rep}
	if rd.err != nil {
		rec.Status, rec.Error = sim.StatusFailed, rd.err.Error()
		return rec, nil
	}
	p := rd.prob
	pt := c.Grid.Point(job.Point)
	init := sim.UniformInit(pt.Alpha, p.D)
	params := sim.Params{Step: pt.Step, Noise: pt.Noise, Batch: pt.Batch, Reshuffle: c.Reshuffle,
		LabelNoise: c.LabelNoise, Momentum: c.Momentum}
	m, err := sim.NewMethod(job.Algo, p, sim.Config{Algos: []sim.Algo{job.Algo}, Init: init, Params: params,
		Seed: c.DataSeed(job.Rep), GFTol: c.gfTolerance()})
	if err != nil {
		rec.Status, rec.Error = sim.StatusFailed, err.Error()
		return rec, nil
	}
	s := sim.NewSampler(p, init)
	end := c.Horizon.End(pt.Step)
	run := &jobRun{ctx: ctx, m: m, s: s, jumps: newJumpTrace(rd.saddles, pt.Alpha, s, m),
		end: end, tol: c.Horizon.Tol, gamma: pt.Step, progress: progress}
	// A run that ended without a result (it diverged or failed) has its
	// record already; one that was cancelled has none.
	if final, err := run.toEnd(&rec); final || err != nil {
		return rec, err
	}
	smp := s.Measure(m)
	rec.Steps, rec.Time = stepsOf(job.Algo, smp, pt.Step), smp.Time
	if !smp.Finite() {
		rec.Diverged, rec.Divergence, rec.Status = true, "non-finite metrics at the end of the run", sim.StatusDiverged
		return rec, nil
	}
	if rec.Status == "" {
		rec.Status = sim.StatusHorizon
	}
	if smp.HasTestError {
		rec.TestError = ptr(smp.TestError)
	}
	rec.L1Norm = ptr(smp.L1)
	rec.AlphaRatio = ptr(smp.AlphaGeoMean / pt.Alpha)
	rec.JumpError = run.jumps.jumpError(end)
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
