package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"sgdbias/figure"
	"sgdbias/sim"
	"sgdbias/sim/sweep"
)

// statisticsNote says how the summaries are computed; the table, the JSON
// and the README repeat it.
const statisticsNote = "mean and sd (n−1; 0 when n = 1) and median (the mean of the two middle values for even n) " +
	"over the runs that neither diverged nor failed; diverged runs are counted and left out"

// maxChartSeries caps the lines of a chart or figure; a grid that needs more
// is summarised by the table (and, in 2-D, the heatmaps) only.
const maxChartSeries = 8

// report prints a sweep's result in the chosen format, writes --plot, and
// returns the exit status.
func report(std stdio, cmd string, res *sweep.Result, metric sweep.Metric, o *outputFlags) int {
	sums := res.Summaries()
	var err error
	switch o.format {
	case "json":
		err = writeSweepJSON(std.out, res, sums, !o.noTiming)
	case "csv":
		err = writeSweepCSV(std.out, sums)
	default:
		err = writeSweepTable(std.out, res, sums, metric, !o.noTiming, outputWidth(std.out))
	}
	if err != nil {
		fmt.Fprintf(std.err, "sgdbias %s: %v\n", cmd, err)
		return 1
	}
	code := 0
	if o.plot != "" {
		if err := writeSweepFigure(std, cmd, res, metric, o); err != nil {
			fmt.Fprintf(std.err, "sgdbias %s: --plot: %v\n", cmd, err)
			code = 1
		} else {
			fmt.Fprintf(std.err, "sgdbias %s: wrote %s\n", cmd, o.plot)
		}
	}
	if n, first := failures(res); n > 0 {
		fmt.Fprintf(std.err, "sgdbias %s: %d runs failed (not diverged); the first: %s\n", cmd, n, first)
		code = 1
	}
	if res.Interrupted {
		// A merge with --allow-missing is incomplete without having been
		// interrupted: its files simply lack jobs.
		what := "interrupted: %d of %d jobs finished"
		if cmd == "sweep merge" {
			what = "%d of %d jobs in the files"
		}
		fmt.Fprintf(std.err, "sgdbias %s: "+what+"; the statistics cover those only\n",
			cmd, len(res.Records), len(res.Shard.Jobs(res.Config.Jobs())))
	}
	return code
}

func failures(res *sweep.Result) (int, string) {
	n, first := 0, ""
	for _, r := range res.Records {
		if r.Error != "" {
			if n == 0 {
				first = res.Config.DescribeJob(r.Job) + ": " + r.Error
			}
			n++
		}
	}
	return n, first
}

// describeSweep is the header of the table: what was swept, on what.
func describeSweep(w io.Writer, c sweep.Config) {
	pc := c.Problem
	if pc.Loaded() {
		fmt.Fprintf(w, "sweep on %s: n=%d d=%d (loaded data; the %d reps differ in their random draws only, seeds %d…%d)\n",
			pc.Source, pc.N, pc.D, c.Reps, c.DataSeed(0), c.DataSeed(c.Reps-1))
	} else {
		fmt.Fprintf(w, "sweep on %s: n=%d d=%d s=%d β*=%s features=%s", orDash(pc.Source), pc.N, pc.D, pc.S, pc.BetaStar, pc.Features)
		if pc.LabelSigma > 0 {
			fmt.Fprintf(w, " label σ=%g", pc.LabelSigma)
		}
		if c.Reps == 1 {
			fmt.Fprintf(w, "; 1 rep, data seed %d\n", c.DataSeed(0))
		} else {
			fmt.Fprintf(w, "; %d reps, data seeds %d…%d\n", c.Reps, c.DataSeed(0), c.DataSeed(c.Reps-1))
		}
	}
	var parts []string
	for _, p := range sweep.Params {
		ax := c.Grid.Axis(p)
		switch {
		case p == sweep.Noise && c.Grid.NoiseFollowsStep:
			parts = append(parts, "noise = γ")
		case ax.Swept():
			parts = append(parts, fmt.Sprintf("%s %s (%d values)", p.Label(), ax.Spec, len(ax.Values)))
		default:
			parts = append(parts, fmt.Sprintf("%s=%g", p.Label(), ax.Values[0]))
		}
	}
	algos := make([]string, len(c.Algos))
	for i, a := range c.Algos {
		algos[i] = string(a)
		switch a.Base() {
		case sim.LNSGD:
			parts = append(parts, fmt.Sprintf("label noise δ=%g", c.LabelNoise))
		case sim.HB:
			parts = append(parts, fmt.Sprintf("momentum μ=%g", c.Momentum))
		}
	}
	fmt.Fprintf(w, "grid: %s\n", strings.Join(parts, ", "))
	fmt.Fprintf(w, "algos %s: %d points × %d algos × %d reps = %d jobs\n",
		strings.Join(algos, ","), c.Grid.Size(), len(c.Algos), c.Reps, c.Jobs())
	h := c.Horizon
	var hz []string
	if h.Time > 0 {
		hz = append(hz, fmt.Sprintf("t ≤ %g", h.Time))
	}
	if h.Steps > 0 {
		hz = append(hz, fmt.Sprintf("%d steps", h.Steps))
	}
	stop := "no early stop (--tol 0)"
	if h.Tol > 0 {
		stop = fmt.Sprintf("a run stops once its training loss is ≤ %g", h.Tol)
	}
	fmt.Fprintf(w, "horizon: %s; %s\n", strings.Join(hz, ", "), stop)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// writeSweepTable prints the summaries as a table fitted to width (0: no
// limit), then the chart of the metric (and heatmaps for a 2-D grid).
func writeSweepTable(w io.Writer, res *sweep.Result, sums []sweep.Summary, metric sweep.Metric, timing bool, width int) error {
	c := res.Config
	var hdr strings.Builder
	describeSweep(&hdr, c)
	writeProse(w, hdr.String(), width)
	fmt.Fprintln(w)
	swept := c.Grid.Swept()
	var head []string
	for _, p := range swept {
		head = append(head, p.Label())
	}
	// The chosen metric gets mean ± sd and its median; the others their mean
	// (steps: the median), so that the table stays readable on a terminal.
	// --format csv or json has every statistic of every metric.
	cols := []sweep.Metric{sweep.TestError, sweep.L1Norm, sweep.L1Distance, sweep.AlphaRatio, sweep.Steps}
	if !slices.Contains(cols, metric) {
		cols = append(cols, metric)
	}
	head = append(head, "algo", "n", "div", "fail", "conv")
	for _, m := range cols {
		switch {
		case m == metric:
			head = append(head, m.Label()+" mean ± sd", "median")
		case m == sweep.Steps:
			head = append(head, m.Label()+" (median)")
		default:
			head = append(head, m.Label())
		}
	}
	tb := table{head: head, keep: len(swept) + 7} // the swept values, algo, n, div, fail, conv, the metric's mean ± sd
	shown := sums
	if len(sums) > maxTableRows { // format only the rows printed
		shown = append(append([]sweep.Summary(nil), sums[:tableHead]...), sums[len(sums)-tableTail:]...)
		tb.omitted = len(sums) - tableHead - tableTail
	}
	for _, s := range shown {
		var row []string
		for _, p := range swept {
			row = append(row, figure.FormatValue(s.Point.Value(p)))
		}
		n := s.Runs - s.Diverged - s.Collapsed - s.Failed
		row = append(row, string(s.Algo), strconv.Itoa(n), strconv.Itoa(s.Diverged), strconv.Itoa(s.Collapsed+s.Failed),
			strconv.Itoa(s.Converged))
		for _, m := range cols {
			st := s.Stat(m)
			switch {
			case m == metric:
				row = append(row, meanSD(m, st), statText(m, st.Median))
			case m == sweep.Steps:
				row = append(row, statText(m, st.Median))
			default:
				row = append(row, statText(m, st.Mean))
			}
		}
		tb.rows = append(tb.rows, row)
	}
	dropped, omitted := tb.write(w, width)
	if short := notLimits(sums); short > 0 && c.Horizon.Tol > 0 {
		writeProse(w, fmt.Sprintf("(%d of the %d rows have runs that reached the horizon before their loss fell to tol (conv < n): "+
			"their values are not the limits; a longer --time runs them to convergence)\n", short, len(sums)), width)
	}
	if len(dropped) > 0 {
		writeProse(w, fmt.Sprintf("(%s left out to fit %d columns; --format csv or json has them)\n", strings.Join(dropped, ", "), width), width)
	}
	if omitted > 0 {
		writeProse(w, fmt.Sprintf("(%d of the %d rows left out; --format csv, json or --out FILE has every row)\n", omitted, len(sums)), width)
	}
	fmt.Fprintln(w)
	writeProse(w, "n: runs in the statistics; div, fail: runs that diverged, collapsed or failed, left out; conv: runs whose loss reached tol. "+
		"Means over the n runs; sd with n−1 (0 when n = 1); median: the middle value (the mean of the "+
		"two middle ones for even n); steps: until the loss was ≤ tol, or the horizon (GF, which has no steps: its time over γ); —: no value. "+
		"--format csv or json gives the mean, sd and median of every metric.\n", width)
	if len(sums) == 0 {
		fmt.Fprintln(w, "no job finished")
	}
	if timing && res.WallSeconds > 0 {
		fmt.Fprintf(w, "%d jobs in %.3g s (%.3g jobs/s)\n", len(res.Records), res.WallSeconds, float64(len(res.Records))/res.WallSeconds)
	}
	if len(swept) == 0 || len(sums) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	writeSweepCharts(w, res, metric, width)
	return nil
}

func meanSD(m sweep.Metric, st sweep.Stat) string {
	if st.Mean == nil {
		return "—"
	}
	if m == sweep.Steps {
		return fmt.Sprintf("%.0f ± %.0f", *st.Mean, *st.SD)
	}
	return fmt.Sprintf("%.3g ± %.2g", *st.Mean, *st.SD)
}

// statText formats one statistic: steps as whole numbers (a median of two
// may end in .5), the rest in 3 significant digits.
func statText(m sweep.Metric, v *float64) string {
	switch {
	case v == nil:
		return "—"
	case m == sweep.Steps:
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	return fmt.Sprintf("%.3g", *v)
}

// The JSON report of a sweep. Missing numbers are null, never NaN.
type sweepJSON struct {
	Config        sweep.Config  `json:"config"`
	Fingerprint   string        `json:"fingerprint"`
	Jobs          int           `json:"jobs"`
	Finished      int           `json:"finished"`
	Interrupted   bool          `json:"interrupted"`
	Statistics    string        `json:"statistics"`
	Summaries     []summaryJSON `json:"summaries"`
	WallSeconds   *float64      `json:"wall_seconds,omitempty"`
	JobsPerSecond *float64      `json:"jobs_per_second,omitempty"`
}

type summaryJSON struct {
	Algo       string     `json:"algo"`
	Alpha      float64    `json:"alpha"`
	Step       float64    `json:"step"`
	Noise      float64    `json:"noise"`
	Batch      int        `json:"batch"`
	Runs       int        `json:"runs"`
	Diverged   int        `json:"diverged"`
	Collapsed  int        `json:"collapsed"`
	Failed     int        `json:"failed"`
	Converged  int        `json:"converged"`
	TestError  sweep.Stat `json:"test_error"`
	L1Norm     sweep.Stat `json:"l1_norm"`
	L1Distance sweep.Stat `json:"l1_distance"`
	AlphaRatio sweep.Stat `json:"alpha_ratio"`
	Steps      sweep.Stat `json:"steps"`
	Time       sweep.Stat `json:"time"`
	JumpError  sweep.Stat `json:"jump_error"`
}

func writeSweepJSON(w io.Writer, res *sweep.Result, sums []sweep.Summary, timing bool) error {
	out := sweepJSON{
		Config: res.Config, Fingerprint: res.Config.Fingerprint(), Jobs: len(res.Shard.Jobs(res.Config.Jobs())),
		Finished: len(res.Records), Interrupted: res.Interrupted, Statistics: statisticsNote,
		Summaries: []summaryJSON{},
	}
	for _, s := range sums {
		out.Summaries = append(out.Summaries, summaryJSON{
			Algo: string(s.Algo), Alpha: s.Point.Alpha, Step: s.Point.Step, Noise: s.Point.Noise, Batch: s.Point.Batch,
			Runs: s.Runs, Diverged: s.Diverged, Collapsed: s.Collapsed, Failed: s.Failed, Converged: s.Converged,
			TestError: s.Stat(sweep.TestError), L1Norm: s.Stat(sweep.L1Norm), L1Distance: s.Stat(sweep.L1Distance),
			AlphaRatio: s.Stat(sweep.AlphaRatio), Steps: s.Stat(sweep.Steps), Time: s.Stat(sweep.Time),
			JumpError: s.Stat(sweep.JumpError),
		})
	}
	if timing && res.WallSeconds > 0 {
		out.WallSeconds = ptr(res.WallSeconds)
		out.JobsPerSecond = ptr(float64(len(res.Records)) / res.WallSeconds)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// sweepCSVHeader is the long form: one row per grid point and algorithm.
func sweepCSVHeader() []string {
	h := []string{"algo", "alpha", "step", "noise", "batch", "runs", "diverged", "collapsed", "failed", "converged"}
	for _, m := range sweep.Metrics {
		h = append(h, string(m)+"_n", string(m)+"_mean", string(m)+"_sd", string(m)+"_median")
	}
	return h
}

func writeSweepCSV(w io.Writer, sums []sweep.Summary) error {
	cw := csv.NewWriter(w)
	cw.Write(sweepCSVHeader())
	for _, s := range sums {
		row := []string{string(s.Algo), num(s.Point.Alpha), num(s.Point.Step), num(s.Point.Noise), strconv.Itoa(s.Point.Batch),
			strconv.Itoa(s.Runs), strconv.Itoa(s.Diverged), strconv.Itoa(s.Collapsed), strconv.Itoa(s.Failed), strconv.Itoa(s.Converged)}
		for _, m := range sweep.Metrics {
			st := s.Stat(m)
			row = append(row, strconv.Itoa(st.N), optNum(st.Mean), optNum(st.SD), optNum(st.Median))
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// notLimits counts the summaries with runs that stopped at the horizon
// before converging.
func notLimits(sums []sweep.Summary) int {
	n := 0
	for _, s := range sums {
		if s.Converged < s.Runs-s.Diverged-s.Collapsed-s.Failed {
			n++
		}
	}
	return n
}
