package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"sgdbias/figure"
	"sgdbias/presets"
	"sgdbias/sim"
	"sgdbias/sim/sweep"
)

const sweepUsage = `Usage: sgdbias sweep [flags]
       sgdbias sweep merge [flags] FILE…

Runs a grid of scenarios over several data seeds and summarises it: per grid
point and algorithm, the mean ± sd (and median) over --reps data seeds of the
test error, ‖β‖₁, the distance ‖β − β_ℓ₁‖₂ to the min-ℓ₁ solution, α_∞/α
(geometric mean of α_t over α) and the steps until the training loss first
was ≤ --tol, and how many runs diverged (they are counted and left out of
the statistics).

--alpha, --step, --noise and --batch take a grid: one value, a comma list
(0.01,0.1,1), log:LO:HI:K (K log-spaced values, both ends included) or
lin:LO:HI:K. Repetition r = 0…R−1 draws its data with seed --seed + r and
seeds the draws of SGD and SGF with the same number. Every flag not given
takes the preset's value; --noise follows --step unless given. Runs stop at
the preset's horizon (--time/--steps) or as soon as the training loss is
≤ --tol (default 1e-8), so that "steps" is the steps to converge (for GF,
which has no steps, its time to converge over γ).

Before starting, a sweep prints its job count and an estimate of its time
on stderr; above 100000 jobs or 24 h it needs --yes. The jobs run on all
cores with a progress bar on stderr (a plain line every 10 s when stderr is
not a terminal); Ctrl+C or SIGTERM stops them and prints what finished.
--shard K/N runs the K-th of N interleaved slices of the jobs (K counts from
0) and writes it to --out; 'sgdbias sweep merge FILE…' combines the slices
into the report one process would have printed. --resume completes an --out
file left by an interrupted run, running only its missing jobs.

Exit status: 0 success, 1 a run failed or a file could not be written,
2 bad usage or input, 130 interrupted (after printing what finished).

Flags:
`

const mergeUsage = `Usage: sgdbias sweep merge [flags] FILE…

Combines result files written by 'sgdbias sweep --out' (typically the shards
of --shard K/N) and prints the report of the whole sweep, with every
statistic recomputed from the raw per-run records. The files must be of the
same sweep (same configuration fingerprint), must not share a job, and must
together cover every job; --allow-missing reports on what is there instead.
Flags may come before or after the files; a FILE of - is standard input.

Exit status: 0 success, 1 a file could not be written, 2 bad usage or input.

Flags:
`

// defaultSweepTol stops runs once they have converged, so that the steps
// they took are the steps to converge.
const defaultSweepTol = 1e-8

// gridFlag holds the text of a parameter flag; it is parsed as a grid after
// all flags are read, so that errors come out as one clear message.
type gridFlag struct{ text string }

func (g *gridFlag) String() string     { return g.text }
func (g *gridFlag) Set(s string) error { g.text = s; return nil }

// outputFlags are the report flags shared by sweep and sweep merge.
type outputFlags struct {
	format   string
	metric   string
	plot     string
	force    bool
	noTiming bool
	fig      *figureFlags
	figure   figureSpec
}

func addOutputFlags(fs *flag.FlagSet) *outputFlags {
	o := &outputFlags{}
	fs.StringVar(&o.format, "format", "table", "output format: table (with a chart), csv (long form: one row per grid point and algorithm) or json")
	fs.StringVar(&o.metric, "metric", string(sweep.TestError), "metric of the chart, heatmap and --plot: test_error, l1_norm, l1_distance, alpha_ratio, steps, time or jump_error (small α: jump times against the saddle-to-saddle schedule)")
	fs.StringVar(&o.plot, "plot", "", "write a figure of --metric against the first swept parameter to `FILE`.svg, .png or .pdf")
	fs.BoolVar(&o.force, "force", false, "replace existing --plot and --out files")
	fs.BoolVar(&o.noTiming, "no-timing", false, "omit wall times, so that the output is byte-identical between runs")
	o.fig = addFigureFlags(fs)
	return o
}

// check validates the report flags before any work is done, so that a long
// sweep never ends on a usage error.
func (o *outputFlags) check() (sweep.Metric, error) {
	switch o.format {
	case "table", "csv", "json":
	default:
		return "", fmt.Errorf("--format: %q is not allowed; want table, csv or json", o.format)
	}
	m, err := sweep.ParseMetric(o.metric)
	if err != nil {
		return "", err
	}
	if o.figure, err = o.fig.check(); err != nil {
		return "", err
	}
	if o.plot != "" {
		if _, err := figure.FormatFor(o.plot); err != nil {
			return "", fmt.Errorf("--plot: %v", err)
		}
		if err := checkWritable("--plot", o.plot, o.force); err != nil {
			return "", err
		}
	}
	return m, nil
}

// checkWritable checks an output path before the work (see checkOutput).
func checkWritable(flagName, path string, force bool) error {
	return checkOutput(flagName, path, force)
}

// sweepFlags are the flags of `sgdbias sweep`.
type sweepFlags struct {
	scenario *presets.Flags
	grids    map[sweep.Param]*gridFlag
	reps     int
	workers  int
	shard    string
	out      string
	quiet    bool
	resume   bool
	yes      bool
	every    time.Duration
	ckEvery  time.Duration
	output   *outputFlags
	in       inputs // where --config and --data are read from
}

func newSweepFlags(fs *flag.FlagSet) *sweepFlags {
	f := &sweepFlags{scenario: addScenarioFlags(fs), grids: map[sweep.Param]*gridFlag{}}
	// The scenario's --alpha, --step, --noise and --batch take grids here.
	usage := map[sweep.Param]string{
		sweep.Alpha: "initialisation scale α (seed paper's convention): a `GRID` of values, e.g. 0.1, 0.01,0.1,1 or log:1e-3:1:13",
		sweep.Step:  "step size γ of GD and SGD (and SGF's time step): a `GRID`, e.g. lin:0.02:0.1:5",
		sweep.Noise: "SGF noise scale: a `GRID`; follows --step when not given",
		sweep.Batch: "SGD batch size, 1 ≤ b ≤ n: a `GRID` of integers, e.g. 1,2,5,10 or log:1:32:6",
	}
	for _, p := range sweep.Params {
		fl := fs.Lookup(string(p))
		g := &gridFlag{text: fl.DefValue}
		if p == sweep.Noise {
			g.text, fl.DefValue = "", "" // it follows --step
		}
		fl.Value, fl.Usage = g, usage[p]
		f.grids[p] = g
	}
	fs.Lookup("time").Usage = "run each job to continuous time `T` (discrete methods: T/γ steps)"
	fs.Lookup("steps").Usage = "run each job `K` steps (GF: to time K·γ)"
	tol := fs.Lookup("tol")
	tol.Usage = "stop a job once its training loss is ≤ `TOL`; its steps are then the steps to converge (0: run to the horizon)"
	tol.DefValue = strconv.FormatFloat(defaultSweepTol, 'g', -1, 64)
	fs.IntVar(&f.reps, "reps", 5, "number of data seeds `R`: repetition r uses seed --seed + r")
	fs.IntVar(&f.workers, "workers", 0, "jobs run at once (0: one per core)")
	fs.StringVar(&f.shard, "shard", "", "run only the `K/N`-th interleaved slice of the jobs (K = 0…N−1) and write it to --out")
	fs.StringVar(&f.out, "out", "", "write the raw per-run results to `FILE` (JSON) for 'sgdbias sweep merge'; required with --shard")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress on stderr (and no estimate)")
	fs.BoolVar(&f.resume, "resume", false, "run only the jobs missing from --out, a result file of the same sweep and shard left by an interrupted run (without the file: run every job)")
	fs.BoolVar(&f.yes, "yes", false, "run even when the estimate is above the limit ("+fmt.Sprint(maxJobsUnasked)+" jobs or "+maxHoursUnasked.String()+" at most)")
	fs.DurationVar(&f.every, "progress-every", plainInterval, "`INTERVAL` of the plain progress line written when stderr is not a terminal (a batch log)")
	fs.DurationVar(&f.ckEvery, "checkpoint-every", time.Minute, "rewrite --out with the finished jobs every `INTERVAL`, so that a process killed outright loses at most that much work to --resume (0: only at the end)")
	f.output = addOutputFlags(fs)
	return f
}

// sweepPlan is a resolved sweep, ready to run.
type sweepPlan struct {
	cfg    sweep.Config
	opts   sweep.Options
	metric sweep.Metric
	// resumedWall is the wall time of the partial file --resume completes.
	resumedWall float64
}

// axes parses the grids: the flags given, else the base scenario's own
// grids. given receives the first value of each grid flag, so that the
// scenario's checks and its noise rule apply as in 'sgdbias run'.
func (f *sweepFlags) axes(fs *flag.FlagSet, base presets.Scenario, given *presets.Scenario) (map[sweep.Param]sweep.Axis, error) {
	flags := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { flags[fl.Name] = true })
	axes := map[sweep.Param]sweep.Axis{}
	for _, p := range sweep.Params {
		text, ok := base.Sweep[string(p)]
		if flags[string(p)] {
			text, ok = f.grids[p].text, true
		}
		if !ok {
			continue
		}
		ax, err := sweep.ParseGrid(p, text)
		if err != nil {
			return nil, err
		}
		axes[p] = ax
		if !flags[string(p)] {
			continue // a preset's grid: the preset's own value stays the scenario's
		}
		first := ax.Values[0]
		switch p {
		case sweep.Alpha:
			given.Alpha = &first
		case sweep.Step:
			given.Step = &first
		case sweep.Noise:
			given.Noise = &presets.Noise{Value: first}
		case sweep.Batch:
			b := int(first)
			given.Batch = &b
		}
	}
	return axes, nil
}

// plan turns the flags into a sweep configuration; every error is a usage
// error that names its flag.
func (f *sweepFlags) plan(fs *flag.FlagSet) (sweepPlan, error) {
	var pl sweepPlan
	var err error
	if pl.metric, err = f.output.check(); err != nil {
		return pl, err
	}
	base, err := f.scenario.Base()
	if err != nil {
		return pl, err
	}
	given := f.scenario.Given()
	axes, err := f.axes(fs, base, &given)
	if err != nil {
		return pl, err
	}
	if given.Tol == nil && base.Tol == nil {
		given.Tol = new(float64)
		*given.Tol = defaultSweepTol
	}
	r, err := resolveSetup(f.in, f.scenario, given)
	if err != nil {
		return pl, err
	}
	if err := checkAlgoFlags(f.scenario.Given(), r.setup.Algos); err != nil {
		return pl, err
	}
	if err := checkRunMemory(r.setup, false); err != nil { // per job; workers share nothing
		return pl, err
	}
	setup := r.setup
	fixed := map[sweep.Param]float64{sweep.Alpha: setup.Alpha, sweep.Step: setup.Params.Step,
		sweep.Noise: setup.Params.Noise, sweep.Batch: float64(setup.Params.Batch)}
	var grid sweep.Grid
	for _, prm := range sweep.Params {
		ax, ok := axes[prm]
		if !ok {
			ax = sweep.Fixed(prm, fixed[prm])
		}
		*grid.Axis(prm) = ax
	}
	_, noiseSwept := axes[sweep.Noise]
	grid.NoiseFollowsStep = !noiseSwept && r.sc.Noise.FollowsStep
	c := sweep.Config{
		Seed: setup.Seed, Reps: f.reps, Algos: setup.Algos, Grid: grid, Reshuffle: setup.Params.Reshuffle,
		LabelNoise: setup.Params.LabelNoise, Momentum: setup.Params.Momentum, Horizon: setup.Horizon,
	}
	if p := setup.Data; p != nil {
		c.Problem = sweep.ProblemConfig{Source: p.Source, N: p.N, D: p.D, DataSHA256: sweep.ProblemSHA256(p)}
		pl.opts.Data = p
	} else {
		sp := setup.Spec
		s, _ := sp.Check() // checked by resolveSetup
		c.Problem = sweep.ProblemConfig{Source: f.scenario.Preset, N: sp.N, D: sp.D, S: s, BetaStar: r.sc.BetaStar, Features: r.sc.Features, LabelSigma: sp.LabelSigma}
		if f.scenario.Config != "" {
			c.Problem.Source = f.scenario.Config
		}
	}
	if err := c.Validate(); err != nil {
		return pl, err
	}
	if f.workers < 0 || f.workers > 4096 {
		return pl, fmt.Errorf("--workers: %d is out of range; allowed 0 (one per core) to 4096", f.workers)
	}
	pl.cfg = c
	pl.opts.Workers, pl.opts.NoTiming = f.workers, f.output.noTiming
	if f.shard != "" {
		if pl.opts.Shard, err = sweep.ParseShard(f.shard); err != nil {
			return pl, err
		}
		if f.out == "" {
			return pl, errors.New("--out: required with --shard; give the file the shard's results go to, e.g. --out part-" +
				fmt.Sprint(pl.opts.Shard.K) + ".json")
		}
	}
	if f.ckEvery < 0 {
		return pl, fmt.Errorf("--checkpoint-every: %v is not allowed; want 0 (off) or a positive duration, e.g. 1m", f.ckEvery)
	}
	if f.every < 10*time.Millisecond {
		return pl, fmt.Errorf("--progress-every: %v is not allowed; want 10ms or more, e.g. 10s or 1m", f.every)
	}
	if f.ckEvery > 0 && f.ckEvery < 10*time.Millisecond {
		return pl, fmt.Errorf("--checkpoint-every: %v is too often; want 0 (off) or 10ms or more, e.g. 1m", f.ckEvery)
	}
	if f.resume {
		if f.out == "" {
			return pl, errors.New("--resume: needs --out, the result file to complete")
		}
		if err := f.readPartial(&pl); err != nil {
			return pl, err
		}
	} else if f.out != "" {
		if err := checkWritable("--out", f.out, f.output.force); err != nil {
			return pl, err
		}
	}
	return pl, nil
}

// cmdSweep implements `sgdbias sweep` and dispatches `sgdbias sweep merge`.
func cmdSweep(ctx context.Context, args []string, std stdio) int {
	if len(args) > 0 && args[0] == "merge" {
		return cmdSweepMerge(ctx, args[1:], std)
	}
	fs := newFlagSet("sweep", sweepUsage, std)
	f := newSweepFlags(fs)
	if code, done := parseFlags(fs, args); done {
		return code
	}
	f.in = inputs{ctx: ctx, stdin: std.in}
	pl, err := f.plan(fs)
	if err != nil {
		return planError(std.err, "sweep", err)
	}
	if code, ok := f.confirm(std.err, pl); !ok {
		return code
	}
	bar := newProgressEvery(std.err, f.quiet, f.every)
	pl.opts.Progress = func(p sweep.Progress) { bar.setCounts(p.Done, p.Total, p.Resumed, p.Fraction) }
	if f.out != "" && f.ckEvery > 0 {
		pl.opts.Checkpoint, pl.opts.CheckpointEvery = f.checkpoint(std, pl), f.ckEvery
	}
	res, err := sweep.Run(ctx, pl.cfg, pl.opts)
	bar.done()
	if res != nil && !pl.opts.NoTiming {
		res.WallSeconds += pl.resumedWall
	}
	interrupted := err != nil && ctx.Err() != nil
	if err != nil && !interrupted {
		fmt.Fprintf(std.err, "sgdbias sweep: %v\n", err)
		return 1
	}
	if v := Version(); !strings.HasPrefix(v, "unknown") {
		res.Version = v
	}
	code := 0
	if f.out != "" {
		// What finished is saved even after an interruption.
		if err := writeOutput(context.WithoutCancel(ctx), std, f.out, f.output.force || f.resume, res.WriteJSON); err != nil {
			code = outputError(std.err, "sweep", "--out", err)
		}
	}
	if !pl.opts.Shard.Whole() {
		code = max(code, shardSummary(std.err, res, f.out, code == 0))
	} else {
		code = max(code, report(std, "sweep", res, pl.metric, f.output))
	}
	if interrupted {
		return 130
	}
	return code
}

// shardSummary says on stderr what a shard did; its results are in --out.
func shardSummary(w io.Writer, res *sweep.Result, out string, wrote bool) int {
	div, failed := 0, 0
	for _, r := range res.Records {
		switch r.RunStatus() {
		case sim.StatusFailed, sim.StatusCollapsed:
			failed++
		case sim.StatusDiverged:
			div++
		}
	}
	jobs := len(res.Shard.Jobs(res.Config.Jobs()))
	fmt.Fprintf(w, "sgdbias sweep: shard %s: %d of its %d jobs finished (the sweep has %d), %d diverged, %d collapsed or failed",
		res.Shard, len(res.Records), jobs, res.Config.Jobs(), div, failed)
	if wrote {
		fmt.Fprintf(w, "; wrote %s", out)
	}
	fmt.Fprintln(w)
	if res.Interrupted {
		fmt.Fprintln(w, "sgdbias sweep: interrupted; the file holds the finished jobs, and 'sweep merge' will name the missing ones")
	}
	if failed > 0 {
		return 1
	}
	return 0
}

// cmdSweepMerge implements `sgdbias sweep merge FILE…`.
func cmdSweepMerge(ctx context.Context, args []string, std stdio) int {
	fs := newFlagSet("sweep merge", mergeUsage, std)
	o := addOutputFlags(fs)
	allowMissing := fs.Bool("allow-missing", false, "report on the jobs present when some are missing, instead of failing")
	// Flags may follow the files: parse, take one file, parse the rest.
	var files []string
	for rest := args; ; {
		if code, done := parseOnly(fs, rest); done {
			return code
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) == 0 {
		return usageError(std.err, "sweep merge", errors.New("no FILE given; want the files written by 'sgdbias sweep --shard K/N --out FILE'"))
	}
	metric, err := o.check()
	if err != nil {
		return usageError(std.err, "sweep merge", err)
	}
	var parts []*sweep.Result
	for _, name := range files {
		// A FIFO nobody writes blocks in open: Ctrl+C must still stop it.
		r, err := cancellable(ctx, func() (*sweep.Result, error) {
			if name == "-" { // standard input, as for --data and --config
				return sweep.ReadResult("stdin", std.in)
			}
			return sweep.ReadFile(name)
		})
		if err != nil {
			return planError(std.err, "sweep merge", err)
		}
		parts = append(parts, r)
	}
	res, err := sweep.Merge(parts)
	var missing *sweep.MissingError
	switch {
	case errors.As(err, &missing) && *allowMissing:
		fmt.Fprintf(std.err, "sgdbias sweep merge: warning: %v\n", err)
	case errors.As(err, &missing):
		return usageError(std.err, "sweep merge", fmt.Errorf("%w (give --allow-missing to report on the jobs present)", err))
	case err != nil:
		return usageError(std.err, "sweep merge", err)
	}
	if v := versions(parts); len(v) > 1 {
		fmt.Fprintf(std.err, "sgdbias sweep merge: warning: the files come from different builds (%s)\n", strings.Join(v, ", "))
	}
	return report(std, "sweep merge", res, metric, o)
}

func versions(parts []*sweep.Result) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range parts {
		if p.Version != "" && !seen[p.Version] {
			seen[p.Version] = true
			out = append(out, p.Version)
		}
	}
	return out
}
