package cli

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"sgdbias/figure"
	"sgdbias/sim"
	"sgdbias/sim/sweep"
)

// sweepLine is one line of a chart or figure: an algorithm at fixed values
// of the swept parameters after the first, against the first.
type sweepLine struct {
	algo   sim.Algo
	fixed  string    // e.g. "γ=0.05"; empty for a 1-D sweep
	xs     []float64 // the first swept parameter's values
	points []int     // the grid point of each x
}

// name labels the line with label(algo) and its fixed values.
func (l sweepLine) name(label func(sim.Algo) string) string {
	if l.fixed == "" {
		return label(l.algo)
	}
	return label(l.algo) + " " + l.fixed
}

// lineCombos is the number of combinations of the swept parameters after
// the first.
func lineCombos(g sweep.Grid) int {
	n := 1
	for _, p := range g.Swept()[1:] {
		n *= len(g.Axis(p).Values)
	}
	return n
}

// pickCombos chooses at most m of n combinations, evenly spread and always
// with the first and the last.
func pickCombos(n, m int) []int {
	if n <= m {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	if m <= 1 {
		return []int{0}
	}
	out := make([]int, m)
	for i := range out {
		out[i] = int(math.Round(float64(i) * float64(n-1) / float64(m-1)))
	}
	return out
}

// linesFor returns the lines of algorithms algos against the first swept
// parameter, for the chosen combinations of the others.
func linesFor(res *sweep.Result, algos []sim.Algo, combos []int) []sweepLine {
	g := res.Config.Grid
	swept := g.Swept()
	x, others := swept[0], swept[1:]
	xs := g.Axis(x).Values
	var out []sweepLine
	for _, a := range algos {
		for _, k := range combos {
			var pos [4]int
			rem := k
			for j := len(others) - 1; j >= 0; j-- {
				n := len(g.Axis(others[j]).Values)
				pos[paramIndex(others[j])] = rem % n
				rem /= n
			}
			var fixed []string
			for _, p := range others {
				fixed = append(fixed, fmt.Sprintf("%s=%s", p.Label(), figure.FormatValue(g.Axis(p).Values[pos[paramIndex(p)]])))
			}
			l := sweepLine{algo: a, fixed: strings.Join(fixed, " "), xs: xs}
			for i := range xs {
				pos[paramIndex(x)] = i
				l.points = append(l.points, g.Index(pos))
			}
			out = append(out, l)
		}
	}
	return out
}

// sweepLines returns at most maxChartSeries lines for one chart or figure:
// every line when they fit, else every algorithm at evenly spread values of
// the other swept parameters; note says which were picked.
func sweepLines(res *sweep.Result, metric sweep.Metric) ([]sweepLine, string) {
	g := res.Config.Grid
	if len(g.Swept()) == 0 {
		return nil, "(one grid point: nothing to chart)"
	}
	algos := res.Config.Algos
	if len(algos) > maxChartSeries {
		algos = algos[:maxChartSeries]
	}
	n := lineCombos(g)
	combos := pickCombos(n, max(1, maxChartSeries/len(algos)))
	note := ""
	if len(combos) < n || len(algos) < len(res.Config.Algos) {
		note = fmt.Sprintf("(%d of the %d lines, at evenly spread values; the heatmaps and --format csv have every point)",
			len(combos)*len(algos), n*len(res.Config.Algos))
	}
	return linesFor(res, algos, combos), note
}

func paramIndex(p sweep.Param) int {
	for i, q := range sweep.Params {
		if q == p {
			return i
		}
	}
	return -1
}

// meanOf is the mean of the metric over the runs of a line's point (NaN
// when none has a value).
func meanOf(res *sweep.Result, point int, a sim.Algo, m sweep.Metric) float64 {
	c, _, _, ok := sweep.BandSD.Of(res.Values(point, a, m))
	if !ok {
		return math.NaN()
	}
	return c
}

// chartSeries evaluates lines as chart series of the metric's mean.
func chartSeries(res *sweep.Result, lines []sweepLine, metric sweep.Metric) []figure.Series {
	out := make([]figure.Series, len(lines))
	for i, l := range lines {
		s := figure.Series{Name: l.name(func(a sim.Algo) string { return string(a) }), X: l.xs}
		for _, pt := range l.points {
			s.Y = append(s.Y, meanOf(res, pt, l.algo, metric))
		}
		if div, runs := divergedRuns(res, l); div > 0 {
			s.Name += fmt.Sprintf(" (%d of %d runs diverged, collapsed or failed)", div, runs)
		}
		out[i] = s
	}
	return out
}

// divergedRuns counts the runs of a line that diverged, collapsed or
// failed, and all its finished runs.
func divergedRuns(res *sweep.Result, l sweepLine) (div, runs int) {
	for _, pt := range l.points {
		for rep := range res.Config.Reps {
			if rec, ok := recordOf(res, res.Config.JobIndex(pt, l.algo, rep)); ok {
				runs++
				if !rec.RunStatus().OK() {
					div++
				}
			}
		}
	}
	return div, runs
}

// recordOf finds the record of a job.
func recordOf(res *sweep.Result, job int) (sweep.Record, bool) {
	lo, hi := 0, len(res.Records)
	for lo < hi {
		mid := (lo + hi) / 2
		if res.Records[mid].Job < job {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(res.Records) && res.Records[lo].Job == job {
		return res.Records[lo], true
	}
	return sweep.Record{}, false
}

// writeSweepCharts draws the terminal charts of the metric: one chart with
// every line when they fit; for a sweep of two or more parameters with too
// many lines, one chart per algorithm (small multiples) with evenly picked
// lines; then, for a 2-D grid, one heatmap per algorithm on a common scale.
// width is the terminal's width in columns (0: no limit, drawn at 80).
func writeSweepCharts(w io.Writer, res *sweep.Result, metric sweep.Metric, width int) {
	if width <= 0 {
		width = 80
	}
	c := res.Config
	swept := c.Grid.Swept()
	x := swept[0]
	r := lipgloss.NewRenderer(w)
	color := r.ColorProfile() != termenv.Ascii
	plotWidth := max(20, min(60, width-16))
	chart := func(title string, series []figure.Series) {
		var ys [][]float64
		for _, s := range series {
			ys = append(ys, s.Y)
		}
		fmt.Fprint(w, figure.Chart{
			Title: title, XLabel: x.Label(), XLog: c.Grid.Axis(x).LogSpaced(), YLog: figure.LogUseful(ys...),
			Width: plotWidth, Height: 12, Color: color, Series: series,
		}.Render())
	}
	title := fmt.Sprintf("%s (mean over the runs) against %s", metric.Label(), x.Label())
	n := lineCombos(c.Grid)
	if n*len(c.Algos) <= maxChartSeries || len(swept) == 1 {
		lines, note := sweepLines(res, metric)
		if note != "" {
			writeProse(w, note+"\n", width)
		}
		chart(title, chartSeries(res, lines, metric))
	} else {
		combos := pickCombos(n, maxChartSeries)
		if len(combos) < n {
			writeProse(w, fmt.Sprintf("(one chart per algorithm; %d of the %d values of the other parameters, evenly spread; the heatmaps and --format csv have every point)\n",
				len(combos), n), width)
		}
		for i, a := range c.Algos {
			if i > 0 {
				fmt.Fprintln(w)
			}
			chart(fmt.Sprintf("%s: %s", a, title), chartSeries(res, linesFor(res, []sim.Algo{a}, combos), metric))
		}
	}
	if len(swept) == 2 {
		writeHeatmaps(w, r, res, metric, width)
	}
}

// Heatmap bounds: a grid larger than this is binned.
const maxHeatmapRows = 40

// writeHeatmaps draws one heatmap per algorithm of a 2-D sweep, on a common
// colour scale, binned to fit width columns and maxHeatmapRows rows.
func writeHeatmaps(w io.Writer, r *lipgloss.Renderer, res *sweep.Result, metric sweep.Metric, width int) {
	c := res.Config
	swept := c.Grid.Swept()
	px, py := swept[0], swept[1]
	xs, ys := c.Grid.Axis(px).Values, c.Grid.Axis(py).Values
	labelW := len([]rune(py.Label()))
	for _, y := range ys {
		labelW = max(labelW, len(figure.FormatValue(y)))
	}
	xb := bins(len(xs), max(8, width-labelW-4))
	yb := bins(len(ys), maxHeatmapRows)
	if len(xb) < len(xs) || len(yb) < len(ys) {
		writeProse(w, fmt.Sprintf("\n(heatmaps binned: %d %s values in %d columns, %d %s values in %d rows; each cell is the mean over its bin, labelled by its first value; --format csv has every point)\n",
			len(xs), px.Label(), len(xb), len(ys), py.Label(), len(yb)), width)
	}
	maps := make([]figure.Heatmap, len(c.Algos))
	var all []float64
	for i, a := range c.Algos {
		h := figure.Heatmap{
			Title:  fmt.Sprintf("%s: %s (mean over the runs)", a, metric.Label()),
			XLabel: px.Label(), YLabel: py.Label(),
			NoValue:  "no value: every run diverged or failed, or the job did not run",
			MaxWidth: width,
		}
		for _, b := range xb {
			h.X = append(h.X, xs[b[0]])
		}
		for _, b := range yb {
			h.Y = append(h.Y, ys[b[0]])
		}
		for _, by := range yb {
			row := make([]float64, len(xb))
			for ix, bx := range xb {
				sum, n := 0.0, 0
				for j := by[0]; j < by[1]; j++ {
					for i := bx[0]; i < bx[1]; i++ {
						var pos [4]int
						pos[paramIndex(px)], pos[paramIndex(py)] = i, j
						if v := meanOf(res, c.Grid.Index(pos), a, metric); !math.IsNaN(v) {
							sum, n = sum+v, n+1
						}
					}
				}
				row[ix] = math.NaN()
				if n > 0 {
					row[ix] = sum / float64(n)
				}
			}
			h.Z = append(h.Z, row)
			all = append(all, row...)
		}
		maps[i] = h
	}
	lo, hi := finiteRange(all)
	for _, h := range maps {
		h.Lo, h.Hi, h.Log = lo, hi, figure.LogUseful(all)
		fmt.Fprintln(w)
		fmt.Fprint(w, h.Render(r))
	}
}

// bins splits n indices into at most m consecutive ranges [from, to) of
// nearly equal size.
func bins(n, m int) [][2]int {
	m = max(1, min(n, m))
	out := make([][2]int, m)
	for j := range out {
		out[j] = [2]int{j * n / m, (j + 1) * n / m}
	}
	return out
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
