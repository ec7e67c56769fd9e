package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

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
		err = writeSweepTable(std.out, res, sums, metric, !o.noTiming)
	}
	if err != nil {
		fmt.Fprintf(std.err, "sgdbias %s: %v\n", cmd, err)
		return 1
	}
	code := 0
	if o.plot != "" {
		if err := sweepFigure(res, sums, metric).WriteFile(o.plot, o.force); err != nil {
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
		fmt.Fprintf(std.err, "sgdbias %s: interrupted: %d of %d jobs finished; the statistics cover those only\n",
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

// writeSweepTable prints the summaries as a table, then the chart of the
// metric (and heatmaps for a 2-D grid).
func writeSweepTable(w io.Writer, res *sweep.Result, sums []sweep.Summary, metric sweep.Metric, timing bool) error {
	c := res.Config
	describeSweep(w, c)
	fmt.Fprintln(w)
	swept := c.Grid.Swept()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
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
	head = append(head, "algo", "n", "div", "conv")
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
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, s := range sums {
		var row []string
		for _, p := range swept {
			row = append(row, figure.FormatValue(s.Point.Value(p)))
		}
		n := s.Runs - s.Diverged - s.Failed
		row = append(row, string(s.Algo), strconv.Itoa(n), strconv.Itoa(s.Diverged), strconv.Itoa(s.Converged))
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
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nn: runs in the statistics; div: diverged runs, left out; conv: runs whose loss reached tol.")
	fmt.Fprintln(w, "Means over the n runs; sd with n−1 (0 when n = 1); median: the middle value (the mean of the")
	fmt.Fprintln(w, "two middle ones for even n); steps: until the loss was ≤ tol, or the horizon; —: no value.")
	fmt.Fprintln(w, "--format csv or json gives the mean, sd and median of every metric.")
	if len(sums) == 0 {
		fmt.Fprintln(w, "no job finished")
	}
	if timing && res.WallSeconds > 0 {
		fmt.Fprintf(w, "%d jobs in %.3g s (%.3g jobs/s)\n", len(res.Records), res.WallSeconds, float64(len(res.Records))/res.WallSeconds)
	}
	if len(swept) == 0 || len(sums) == 0 {
		return nil
	}
	r := lipgloss.NewRenderer(w)
	color := r.ColorProfile() != termenv.Ascii
	series, note := sweepSeries(res, sums, metric)
	fmt.Fprintln(w)
	if note != "" {
		fmt.Fprintln(w, note)
	} else {
		x := swept[0]
		ys := make([][]float64, len(series))
		for i, s := range series {
			ys[i] = s.Y
		}
		ch := figure.Chart{
			Title:  fmt.Sprintf("%s (mean over the runs) against %s", metric.Label(), x.Label()),
			XLabel: x.Label(), XLog: c.Grid.Axis(x).LogSpaced(), YLog: figure.LogUseful(ys...),
			Width: 60, Height: 12, Color: color, Series: series,
		}
		fmt.Fprint(w, ch.Render())
	}
	if len(swept) == 2 {
		maps := make([]figure.Heatmap, len(c.Algos))
		var all []float64
		for i, a := range c.Algos {
			maps[i] = sweepHeatmap(res, sums, metric, a)
			for _, row := range maps[i].Z {
				all = append(all, row...)
			}
		}
		lo, hi := finiteRange(all)
		for _, h := range maps { // one colour scale for every algorithm
			h.Lo, h.Hi, h.Log = lo, hi, figure.LogUseful(all)
			fmt.Fprintln(w)
			fmt.Fprint(w, h.Render(r))
		}
	}
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

// summaryIndex finds the summary of an algorithm at a grid point.
type summaryIndex map[sumKey]sweep.Summary

type sumKey struct {
	point int
	algo  sim.Algo
}

func indexSummaries(sums []sweep.Summary) summaryIndex {
	idx := summaryIndex{}
	for _, s := range sums {
		idx[sumKey{s.Point.Index, s.Algo}] = s
	}
	return idx
}

// mean returns the mean and sd of the metric at a point, NaN when absent.
func (idx summaryIndex) mean(point int, a sim.Algo, m sweep.Metric) (float64, float64) {
	s, ok := idx[sumKey{point, a}]
	if !ok {
		return math.NaN(), math.NaN()
	}
	st := s.Stat(m)
	if st.Mean == nil {
		return math.NaN(), math.NaN()
	}
	return *st.Mean, *st.SD
}

// sweepSeries returns the metric's mean (± sd) against the first swept
// parameter: one series per algorithm and per combination of the other
// swept parameters' values. note is set instead when there would be too
// many lines.
func sweepSeries(res *sweep.Result, sums []sweep.Summary, metric sweep.Metric) ([]figure.Series, string) {
	g := res.Config.Grid
	swept := g.Swept()
	if len(swept) == 0 {
		return nil, "(one grid point: nothing to chart)"
	}
	x := swept[0]
	others := swept[1:]
	combos := 1
	for _, p := range others {
		combos *= len(g.Axis(p).Values)
	}
	if combos*len(res.Config.Algos) > maxChartSeries {
		return nil, fmt.Sprintf("(no chart: %d lines would be too many; see the table, the heatmaps of a 2-D grid, or --format csv)",
			combos*len(res.Config.Algos))
	}
	idx := indexSummaries(sums)
	xs := g.Axis(x).Values
	var out []figure.Series
	for _, a := range res.Config.Algos {
		for k := range combos {
			var pos [4]int
			name := string(a)
			rem := k
			for j := len(others) - 1; j >= 0; j-- {
				p := others[j]
				n := len(g.Axis(p).Values)
				pos[paramIndex(p)] = rem % n
				rem /= n
			}
			for _, p := range others {
				name += fmt.Sprintf(" %s=%s", p.Label(), figure.FormatValue(g.Axis(p).Values[pos[paramIndex(p)]]))
			}
			s := figure.Series{X: xs, Y: make([]float64, len(xs)), Err: make([]float64, len(xs))}
			div, runs := 0, 0
			for i := range xs {
				pos[paramIndex(x)] = i
				s.Y[i], s.Err[i] = idx.mean(g.Index(pos), a, metric)
				if sum, ok := idx[sumKey{g.Index(pos), a}]; ok {
					div, runs = div+sum.Diverged, runs+sum.Runs
				}
			}
			if div > 0 {
				name += fmt.Sprintf(" (%d of %d runs diverged)", div, runs)
			}
			s.Name = name
			out = append(out, s)
		}
	}
	return out, ""
}

func paramIndex(p sweep.Param) int {
	for i, q := range sweep.Params {
		if q == p {
			return i
		}
	}
	return -1
}

// sweepHeatmap shows the metric's mean over a 2-D grid for one algorithm.
func sweepHeatmap(res *sweep.Result, sums []sweep.Summary, metric sweep.Metric, a sim.Algo) figure.Heatmap {
	g := res.Config.Grid
	swept := g.Swept()
	px, py := swept[0], swept[1]
	idx := indexSummaries(sums)
	h := figure.Heatmap{
		Title:   fmt.Sprintf("%s: %s (mean over the runs)", a, metric.Label()),
		XLabel:  px.Label(),
		YLabel:  py.Label(),
		X:       g.Axis(px).Values,
		Y:       g.Axis(py).Values,
		NoValue: "no value: every run diverged or failed, or the job did not run",
	}
	for j := range h.Y {
		row := make([]float64, len(h.X))
		for i := range h.X {
			var pos [4]int
			pos[paramIndex(px)], pos[paramIndex(py)] = i, j
			row[i], _ = idx.mean(g.Index(pos), a, metric)
		}
		h.Z = append(h.Z, row)
	}
	return h
}

// finiteRange is the smallest and largest finite value (NaN, NaN if none).
func finiteRange(vs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if lo > hi {
		return math.NaN(), math.NaN()
	}
	return lo, hi
}

// sweepFigure is the --plot figure: the chart's series with ± sd error bars.
func sweepFigure(res *sweep.Result, sums []sweep.Summary, metric sweep.Metric) figure.Plot {
	c := res.Config
	series, _ := sweepSeries(res, sums, metric)
	var ys [][]float64
	for _, s := range series {
		ys = append(ys, s.Y)
	}
	// The axis label stays short (gonum shrinks the plot to fit a long
	// vertical label); the title says what the metric is.
	p := figure.Plot{
		Title: fmt.Sprintf("%s: mean ± sd over %d data seeds\n%s, n = %d, d = %d",
			metric.Describe(), c.Reps, orDash(c.Problem.Source), c.Problem.N, c.Problem.D),
		YLabel: metric.Label(), YLog: figure.LogUseful(ys...), Series: series,
	}
	if swept := c.Grid.Swept(); len(swept) > 0 {
		p.XLabel = swept[0].Describe()
		p.XLog = c.Grid.Axis(swept[0]).LogSpaced()
	}
	return p
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
			Runs: s.Runs, Diverged: s.Diverged, Failed: s.Failed, Converged: s.Converged,
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
	h := []string{"algo", "alpha", "step", "noise", "batch", "runs", "diverged", "failed", "converged"}
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
			strconv.Itoa(s.Runs), strconv.Itoa(s.Diverged), strconv.Itoa(s.Failed), strconv.Itoa(s.Converged)}
		for _, m := range sweep.Metrics {
			st := s.Stat(m)
			row = append(row, strconv.Itoa(st.N), optNum(st.Mean), optNum(st.SD), optNum(st.Median))
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}
