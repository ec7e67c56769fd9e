package cli

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"sgdbias/presets"
	"sgdbias/sim"
)

const runUsage = `Usage: sgdbias run [flags]

Runs one scenario headless: the chosen algorithms from the same data and
initialisation to a horizon (--time T, --steps K, or until the training loss
is below --tol), then prints each run's final metrics and predicted limit,
and the theory's references (GF limit argmin φ_α, min-ℓ₁, min-ℓ₂).
α is in the seed paper's convention: β = w₊² − w₋², w₊(0) = w₋(0) = α.

Every flag not given takes the preset's value; the defaults shown are those
of the default preset, paper.

Exit status: 0 success, 1 a run diverged, collapsed or failed, 2 bad usage or input.

Flags:
`

// runFlags are the flags of `sgdbias run` beyond the scenario.
type runFlags struct {
	scenario *presets.Flags
	format   string
	trace    string
	force    bool
	noRefs   bool
	samples  int
	spacing  string
	noTiming bool
	quiet    bool
	predict  string
	saddles  bool
	// saddlesPlot is the --saddles-plot figure's file.
	saddlesPlot string
}

func newRunFlags(fs *flag.FlagSet) *runFlags {
	f := &runFlags{scenario: addScenarioFlags(fs)}
	fs.StringVar(&f.format, "format", "table", "output format: table, json or csv")
	fs.StringVar(&f.trace, "trace", "", "write the sampled metric series of every run as CSV to `FILE`")
	fs.BoolVar(&f.force, "force", false, "replace existing --trace and --saddles-plot files")
	fs.BoolVar(&f.noRefs, "no-references", false, "skip the GF-limit, min-ℓ₁ and min-ℓ₂ solves")
	fs.IntVar(&f.samples, "samples", 200, "number of metric samples per run over the horizon (2…100000)")
	fs.StringVar(&f.spacing, "spacing", "log", "sample spacing in time: log or lin")
	fs.BoolVar(&f.noTiming, "no-timing", false, "omit wall_seconds and steps_per_second, so the output is byte-identical between runs")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar on stderr")
	addSaddlesFlag(fs, &f.saddles)
	addSaddlesPlotFlag(fs, &f.saddlesPlot)
	fs.StringVar(&f.predict, "predict", "auto", "distance to the predicted limit at every sample: always, never (no prediction at all, not even at the end), or auto (at the end, and at every sample when n²·d ≤ 2e6, where a solve is cheap)")
	return f
}

func (f *runFlags) runOptions(h sim.Horizon) (sim.RunOptions, error) {
	opts := sim.RunOptions{Horizon: h, Samples: f.samples}
	if f.samples < 2 || f.samples > 100000 {
		return opts, fmt.Errorf("--samples: %d is out of range; allowed 2…100000", f.samples)
	}
	switch f.spacing {
	case "log":
		opts.Spacing = sim.Log
	case "lin":
		opts.Spacing = sim.Linear
	default:
		return opts, fmt.Errorf("--spacing: %q is not allowed; want log or lin", f.spacing)
	}
	switch f.predict {
	case "auto", "always", "never":
	default:
		return opts, fmt.Errorf("--predict: %q is not allowed; want auto, always or never", f.predict)
	}
	switch f.format {
	case "table", "json", "csv":
	default:
		return opts, fmt.Errorf("--format: %q is not allowed; want table, json or csv", f.format)
	}
	// Only the JSON report prints α_t per coordinate: the other formats
	// leave the run without that vector of length d.
	opts.EffectiveInit = f.format == "json"
	if f.saddles && f.format == "csv" {
		// The CSV has one row per run: the schedule would be dropped silently.
		return opts, errors.New("--saddles: the schedule is printed with --format table or json; --format csv has one row per run")
	}
	return opts, nil
}

// cmdRun implements `sgdbias run`.
func cmdRun(ctx context.Context, args []string, std stdio) int {
	fs := newFlagSet("run", runUsage, std)
	f := newRunFlags(fs)
	if code, done := parseFlags(fs, args); done {
		return code
	}
	for _, o := range [][2]string{{"--trace", f.trace}, {"--saddles-plot", f.saddlesPlot}} {
		if o[1] == "" {
			continue
		}
		if err := checkOutput(o[0], o[1], f.force); err != nil {
			return usageError(std.err, "run", err)
		}
	}
	plan, sc, err := f.plan(inputs{ctx: ctx, stdin: std.in})
	if err == nil {
		err = checkSaddlesPlot(f.saddlesPlot)
	}
	if err != nil {
		return planError(std.err, "run", err)
	}
	if estimate, err := checkWork(plan.opts.Horizon, plan.cfg, plan.prob.N, plan.prob.D); err != nil {
		return usageError(std.err, "run", err)
	} else if !f.quiet {
		announce(std.err, "sgdbias run", estimate)
	}
	bar := newProgressBar(std.err, f.quiet)
	stopBeat := bar.keepAlive()
	outcomes, finished, refs, refsDone := execute(ctx, plan, bar.set)
	stopBeat()
	bar.done()
	interrupted := ctx.Err() != nil
	if interrupted {
		outcomes = keepFinished(outcomes, finished)
		if len(outcomes) == 0 {
			fmt.Fprintln(std.err, "sgdbias run: interrupted before any algorithm finished; no output written")
			return 130
		}
		plan.references = plan.references && refsDone
	}
	if !interrupted { // the hint may need a solve; an interrupted run ends now
		var notice io.Writer = std.err
		if f.quiet {
			notice = nil
		}
		addStableStepHints(ctx, plan, outcomes, refs, notice)
		// Ctrl+C during that solve cuts the hint short, not the output: the
		// runs finished, so everything is written, and the exit says so.
		interrupted = ctx.Err() != nil
	}
	report := jsonReport{Config: buildConfigJSON(sc, f.scenario, plan.prob, plan.cfg, plan.opts)}
	for _, o := range outcomes {
		report.Runs = append(report.Runs, buildRunJSON(o, !f.noTiming))
	}
	if plan.references {
		report.References = buildReferencesJSON(refs, plan.prob)
	}
	if (f.saddles || f.saddlesPlot != "") && !interrupted {
		report.Saddles = buildSaddlesJSON(ctx, plan.prob, *sc.Alpha)
	}
	if f.saddlesPlot != "" && !interrupted {
		if err := writeSaddlesPlot(ctx, f.saddlesPlot, plan.prob); err != nil {
			fmt.Fprintf(std.err, "sgdbias run: --saddles-plot: %v\n", err)
			return 1
		}
	}
	if err := writeReport(std.out, f.format, report); err != nil {
		fmt.Fprintf(std.err, "sgdbias run: %v\n", err)
		return 1
	}
	if f.trace != "" {
		writeCtx := ctx
		if interrupted { // keep what finished; a second Ctrl+C still ends the program
			writeCtx = context.WithoutCancel(ctx)
		}
		if err := writeOutput(writeCtx, std, f.trace, f.force, func(w io.Writer) error { return writeTrace(w, outcomes) }); err != nil {
			return outputError(std.err, "run", "--trace", err)
		}
	}
	code := exitStatus(std.err, outcomes) // what ended each run, interrupted or not
	if interrupted {
		fmt.Fprintf(std.err, "sgdbias run: interrupted; printed the %d of %d algorithms that finished\n", len(outcomes), len(plan.cfg.Algos))
		return 130
	}
	return code
}

// keepFinished drops the runs an interruption cut short.
func keepFinished(outcomes []runOutcome, finished []bool) []runOutcome {
	var out []runOutcome
	for i, o := range outcomes {
		if finished[i] {
			out = append(out, o)
		}
	}
	return out
}

// reportVectors is how many vectors of length d the report keeps beyond
// the runs' state: ln α_t of each run, for the JSON report only.
func (f *runFlags) reportVectors(runs int) int {
	if f.format != "json" {
		return 0
	}
	return runs
}

// plan resolves the flags into a runnable plan, reading files through in.
func (f *runFlags) plan(in inputs) (runPlan, presets.Scenario, error) {
	r, err := resolveSetup(in, f.scenario, f.scenario.Given())
	if err != nil {
		return runPlan{}, r.sc, err
	}
	if err := checkAlgoFlags(f.scenario.Given(), r.setup.Algos); err != nil {
		return runPlan{}, r.sc, err
	}
	if err := checkRunMemoryPrinting(r.setup, !f.noRefs, f.reportVectors(len(r.setup.Algos))); err != nil {
		return runPlan{}, r.sc, err
	}
	return f.planOf(r)
}

// planOf builds the run plan of a resolved scenario: its problem is drawn
// here, once.
func (f *runFlags) planOf(r resolved) (runPlan, presets.Scenario, error) {
	opts, err := f.runOptions(r.setup.Horizon)
	if err != nil {
		return runPlan{}, r.sc, err
	}
	p, err := buildProblem(r.setup)
	if err != nil {
		return runPlan{}, r.sc, err
	}
	n, d := float64(p.N), float64(p.D)
	predict := f.predict == "always" || (f.predict == "auto" && n*n*d <= 2e6)
	return runPlan{prob: p, cfg: r.setup.Config(p), opts: opts, references: !f.noRefs,
		predictSamples: predict, predictFinal: f.predict != "never"}, r.sc, nil
}

// addStableStepHints fills the hints of runs that diverged or collapsed. The
// estimate needs the interpolator GF would reach, solved here if the
// references were skipped (announced on notice, when not nil, if it takes a
// while). Without it — too large a problem to solve for a hint, a failed
// solve, or ctx ended first — the hint is the estimate at initialisation,
// and says so.
func addStableStepHints(ctx context.Context, plan runPlan, outcomes []runOutcome, refs sim.References, notice io.Writer) {
	ref, tried := refs.GFLimit, plan.references
	for i := range outcomes {
		d := outcomes[i].result.Diverged
		if d == nil {
			continue
		}
		if !tried {
			ref, tried = solveForHint(ctx, plan, notice), true
		}
		sim.Hints(d, plan.prob, plan.cfg.Init, plan.cfg.Params.Batch, ref)
		d.StableStepAtInit = ref == nil
	}
}

// The GF solve of a hint is bounded, since a solve of minutes that nobody
// asked for would follow a run that may have diverged at its first step.
// Each Newton step forms an n×n Gram matrix, n²d/2 multiply-adds: at
// (1000, 10000), n²d = 1e10, the GF limit takes a few seconds (BENCHMARKS.md,
// "Theory solves at scale"). The solver also holds about n + 12 vectors of
// length d (a weighted copy of X and its own): it may take up to three
// times X, or hintSolveMemoryFloor floats when that is more, so that at
// n = 1, d = 5e7 a hint does not add 5 GB to a run of 400 MB. Variables so
// that a test can lower them.
var (
	hintSolveMaxWork     = 1e10
	hintSolveMemoryFloor = float64(1 << 24)
)

// hintSolveNoticeWork and hintSolveNoticeEntries are the n²·d and n·d from
// which the hint's solve takes a second or more (2 s at n = 8, d = 5e6,
// where the passes over X outweigh the Gram matrices) and is announced, so
// that the wait after the progress bar is not silent.
var (
	hintSolveNoticeWork    = 1e9
	hintSolveNoticeEntries = float64(1 << 24)
)

// solveForHint returns the GF limit for the hints, or nil when the problem
// is too large to solve for a hint, or the solve failed or was cut short.
func solveForHint(ctx context.Context, plan runPlan, notice io.Writer) []float64 {
	n, d := float64(plan.prob.N), float64(plan.prob.D)
	if n*n*d > hintSolveMaxWork || (n+12)*d > max(3*n*d, hintSolveMemoryFloor) {
		return nil
	}
	if (n*n*d >= hintSolveNoticeWork || n*d >= hintSolveNoticeEntries) && notice != nil {
		fmt.Fprintln(notice, "sgdbias run: solving the GF limit for the stable-step hint (Ctrl+C skips it)")
	}
	return sim.SolveReferences(ctx, plan.prob, plan.cfg.Init, sim.RefGFLimit).GFLimit
}

// exitStatus is 1 when any run diverged, collapsed or failed, each reported
// on stderr, and 0 when every run ended in a result.
func exitStatus(stderr io.Writer, outcomes []runOutcome) int {
	code := 0
	for _, o := range outcomes {
		switch err := o.failure(); {
		case o.result.Diverged != nil:
			fmt.Fprintf(stderr, "sgdbias run: %v\n", err)
			code = 1
		case err != nil:
			fmt.Fprintf(stderr, "sgdbias run: %s failed: %v\n", o.algo, err)
			code = 1
		}
	}
	return code
}

func writeReport(w io.Writer, format string, r jsonReport) error {
	switch format {
	case "json":
		return writeJSONReport(w, r)
	case "csv":
		return writeRunsCSV(w, r)
	}
	if err := writeTable(w, r); err != nil {
		return err
	}
	return writeSaddlesTable(w, r.Saddles)
}

var runsCSVHeader = []string{"algo", "steps", "time", "train_loss", "l1_norm", "test_error", "alpha_geomean", "alpha_min", "alpha_max", "int_loss", "gain_mean", "prediction_error", "converged", "diverged", "wall_seconds", "steps_per_second", "status", "error"}

func writeRunsCSV(w io.Writer, r jsonReport) error {
	cw := csv.NewWriter(w)
	cw.Write(runsCSVHeader)
	for _, run := range r.Runs {
		cw.Write([]string{
			run.Algo, strconv.FormatInt(run.Steps, 10), num(run.Time), num(run.TrainLoss), num(run.L1Norm),
			optNum(run.TestError), num(run.AlphaGeoMean), num(run.AlphaMin), num(run.AlphaMax),
			num(run.IntLoss), num(run.GainMean), optNum(run.PredictionError),
			strconv.FormatBool(run.Converged), strconv.FormatBool(run.Diverged),
			optNum(run.WallSeconds), optNum(run.StepsPerSecond), string(run.Status), run.Error,
		})
	}
	cw.Flush()
	return cw.Error()
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func optional(v float64, ok bool) string {
	if !ok {
		return ""
	}
	return num(v)
}

func optNum(v *float64) string {
	if v == nil {
		return ""
	}
	return num(*v)
}

func writeTable(w io.Writer, r jsonReport) error {
	c := r.Config
	fmt.Fprintf(w, "data %s  n=%d d=%d  seed=%d  α=%g  γ=%g  noise=%g  batch=%d\n\n",
		c.Data, c.N, c.D, c.Seed, c.Alpha, c.Step, c.Noise, c.Batch)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "algo\tsteps\ttime\ttrain loss\t‖β‖₁\ttest error\tα_t/α (geo)\tpred. error\tsteps/s\tstatus\t")
	for _, run := range r.Runs {
		fmt.Fprintf(tw, "%s\t%d\t%.4g\t%.3e\t%.4f\t%s\t%.4g\t%s\t%s\t%s\t\n",
			run.Algo, run.Steps, run.Time, run.TrainLoss, run.L1Norm, formatOptional(run.TestError, "%.3e"),
			run.AlphaGeoMean/c.Alpha, formatOptional(run.PredictionError, "%.2e"),
			formatOptional(run.StepsPerSecond, "%.3g"), run.Status)
	}
	tw.Flush()
	if r.References == nil {
		return nil
	}
	fmt.Fprintln(w, "\nreferences")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "solution\t‖β‖₁\ttest error\t")
	for _, ref := range []struct {
		name string
		r    *jsonReference
	}{{"GF limit argmin φ_α", r.References.GFLimit}, {"min-ℓ₁ (basis pursuit)", r.References.L1Min}, {"min-ℓ₂", r.References.L2Min}} {
		if ref.r != nil {
			fmt.Fprintf(tw, "%s\t%.4f\t%s\t\n", ref.name, ref.r.L1Norm, formatOptional(ref.r.TestError, "%.3e"))
		}
	}
	for _, e := range r.References.Errors {
		fmt.Fprintf(tw, "failed: %s\t\t\t\n", e)
	}
	return tw.Flush()
}

var traceHeader = []string{"algo", "time", "step", "train_loss", "l1_norm", "test_error", "alpha_geomean", "alpha_min", "alpha_max", "int_loss", "gain_mean", "prediction_error"}

// writeTrace writes every run's samples as one long CSV table.
func writeTrace(w io.Writer, outcomes []runOutcome) error {
	cw := csv.NewWriter(w)
	cw.Write(traceHeader)
	for _, o := range outcomes {
		for _, s := range o.trace {
			cw.Write([]string{string(s.Algo), num(s.Time), strconv.FormatInt(s.Steps, 10), num(s.Loss), num(s.L1),
				optional(s.TestError, s.HasTestError), num(s.AlphaGeoMean), num(s.AlphaMin), num(s.AlphaMax),
				num(s.IntLoss), num(s.GainMean), optional(s.PredictionError, s.HasPrediction)})
		}
	}
	cw.Flush()
	return cw.Error()
}
