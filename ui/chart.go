package ui

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/guptarohit/asciigraph"

	"sgdbias/sim"
	"sgdbias/sim/live"
)

// Chart geometry: a y label is yLabelWidth cells wide and asciigraph puts
// the axis two cells after it, so the plot starts at column plotLeft.
const (
	yLabelWidth = 6
	plotLeft    = yLabelWidth + 3
	rightMargin = 1
)

// Chart draws one metric of every shown run over the time axis, with the
// reference levels where the metric has some. Its string is cached and
// re-plotted only when the data, the size or the axis change.
type Chart struct {
	common  *Common
	metric  live.Metric
	title   string
	width   int
	height  int
	xLabels bool
	zoomed  bool // alone on the screen (z)

	key    chartKey
	cached string
	plots  int // re-plots so far, for tests
}

type chartKey struct {
	data, gen  uint64
	w, h       int
	logTime    bool
	band       bool
	ghosts     uint64
	xLabels    bool
	zoomed     bool
	shown      string
	hasBetaSt  bool
	refsLoaded bool
}

// chartView is what the model asks of every chart besides the snapshot.
type chartView struct {
	logTime bool
	// band draws each run's smallest and largest α_t,j around its
	// geometric mean on the α_t chart.
	band bool
	// ghosts are earlier runs, drawn dimmed; ghostSeq changes with them.
	ghosts   []ghost
	ghostSeq uint64
}

// NewChart returns a chart of metric m.
func NewChart(c *Common, m live.Metric) *Chart {
	return &Chart{common: c, metric: m, title: metricTitle(m)}
}

func metricTitle(m live.Metric) string {
	switch m {
	case live.Loss:
		return "loss"
	case live.L1:
		return "‖β‖₁"
	case live.Alpha:
		return "α_t"
	case live.TestError:
		return "test error"
	}
	return "?"
}

// SetSize sets the chart's outer size in cells.
func (c *Chart) SetSize(w, h int) {
	c.width, c.height = w, h
}

// SetXLabels shows or hides the tick labels under the time axis.
func (c *Chart) SetXLabels(on bool) { c.xLabels = on }

// Update re-plots the chart if the snapshot's data or the layout changed.
func (c *Chart) Update(s *live.Snapshot, v chartView) {
	if s == nil {
		return
	}
	k := chartKey{data: s.DataVersion, gen: s.Generation, w: c.width, h: c.height, logTime: v.logTime,
		band: v.band && c.metric == live.Alpha, ghosts: v.ghostSeq,
		xLabels: c.xLabels, zoomed: c.zoomed, hasBetaSt: s.Problem.HasBetaStar, refsLoaded: s.Refs.Ready}
	for _, r := range s.Enabled() {
		k.shown += string(r.Algo)
	}
	if k == c.key && c.cached != "" {
		return
	}
	c.key = k
	c.cached = c.render(s, v)
	c.plots++
}

// View returns the cached chart.
func (c *Chart) View() string { return c.cached }

type plotSeries struct {
	lo, hi []float64 // the run's envelope, or a flat level
	values []float64
	// diverged runs do not set the y range: they leave through the top.
	diverged bool
	glyph    asciigraph.CharSet
	color    asciigraph.AnsiColor
	// ref series (levels, ghosts, bands) do not make a chart "have data".
	ref bool
	// optional levels are drawn only when they fall near the data.
	optional bool
}

// render draws the chart: a title line, the plot, the time axis with the
// live-change markers, and (optionally) the tick labels.
func (c *Chart) render(s *live.Snapshot, v chartView) string {
	logTime := v.logTime
	st := c.common.Styles
	w, h := c.width, c.height
	if w < plotLeft+4 || h < 4 {
		return blankBlock(w, h)
	}
	var lines []string
	lines = append(lines, c.titleLine(w))
	axisRows := 1
	if c.xLabels {
		axisRows = 2
	}
	plotRows := h - 1 - axisRows
	cols := w - plotLeft - rightMargin
	ax := timeAxis(s, v)

	series := c.collect(s, v, ax, cols)
	if len(series) == 0 || plotRows < 2 {
		msg := "no data yet"
		if c.metric == live.TestError && !s.Problem.HasBetaStar {
			msg = "no β* for these data: no test error"
		}
		body := make([]string, plotRows)
		if plotRows > 0 {
			body[plotRows/2] = strings.Repeat(" ", plotLeft) + st.Dim.Render(msg)
		}
		lines = append(lines, body...)
	} else {
		lines = append(lines, c.plot(series, plotRows-1, cols)...)
	}
	lines = append(lines, c.axisLine(s, ax, cols))
	if c.xLabels {
		lines = append(lines, c.labelLine(ax, cols, logTime))
	}
	return fitBlock(lines, w, h)
}

// titleLine names the metric; the values are in the table under the
// charts, where they are never cut.
func (c *Chart) titleLine(w int) string {
	st := c.common.Styles
	t := st.Title.Render(c.title)
	if c.metric.Log() {
		t += st.Dim.Render(" (log)")
	}
	if c.zoomed {
		t += st.Dim.Render("   z: next chart, back after the last")
	}
	return truncate(t, w-rightMargin)
}

func latestValue(r *live.Run, m live.Metric) (float64, bool) {
	switch m {
	case live.Loss:
		return r.Latest.Loss, true
	case live.L1:
		return r.Latest.L1, true
	case live.Alpha:
		return r.Latest.AlphaGeoMean, true
	case live.TestError:
		return r.Latest.TestError, r.Latest.HasTestError
	}
	return 0, false
}

// collect gathers the series to plot, bottom to top: the levels, the
// ghosts, the α_t bands, then the shown runs.
func (c *Chart) collect(s *live.Snapshot, v chartView, ax live.Axis, cols int) []plotSeries {
	st := c.common.Styles
	var runs []plotSeries
	for _, r := range drawOrder(s) {
		lo, hi := r.Envelope(c.metric, ax, cols)
		if len(lo) == 0 {
			continue
		}
		col, _ := c.common.chartColor(r.Algo)
		runs = append(runs, plotSeries{lo: lo, hi: hi, glyph: c.common.Glyph(r.Algo), color: col, diverged: r.Diverged != nil})
	}
	if len(runs) == 0 {
		return nil
	}
	refCol := asciigraph.Default
	if st.Color {
		refCol = st.refColor
	}
	out := c.staircaseSeries(s, cols) // the predicted plateaus (saddles.go), lowest
	for _, l := range chartLevels(s, c.metric) {
		f := flat(l.Value, cols)
		out = append(out, plotSeries{lo: f, hi: f, glyph: asciigraph.CreateCharSet(l.Glyph), color: refCol, ref: true, optional: l.Optional})
	}
	for _, g := range v.ghosts {
		for _, r := range g.snap.Enabled() {
			if lo, hi := r.Envelope(c.metric, ax, cols); len(lo) > 0 {
				out = append(out, plotSeries{lo: lo, hi: hi, glyph: asciigraph.CreateCharSet(glyphGhost), color: refCol, ref: true})
			}
		}
	}
	if v.band && c.metric == live.Alpha {
		for _, r := range drawOrder(s) {
			col, _ := c.common.chartColor(r.Algo)
			for _, m := range []live.Metric{live.AlphaMin, live.AlphaMax} {
				if lo, hi := r.Envelope(m, ax, cols); len(lo) > 0 {
					out = append(out, plotSeries{lo: lo, hi: hi, glyph: asciigraph.CreateCharSet(glyphBand), color: col, ref: true})
				}
			}
		}
	}
	return append(out, runs...)
}

// timeAxis spans the shown runs and the ghosts.
func timeAxis(s *live.Snapshot, v chartView) live.Axis {
	ax := s.TimeAxis(v.logTime)
	for _, g := range v.ghosts {
		gx := g.snap.TimeAxis(v.logTime)
		if !gx.Valid() || gx.Hi <= 0 {
			continue
		}
		if !ax.Valid() || (ax.Log && ax.Hi <= 0) {
			ax = gx
			continue
		}
		ax.Lo, ax.Hi = math.Min(ax.Lo, gx.Lo), math.Max(ax.Hi, gx.Hi)
	}
	return ax
}

// drawOrder puts the discrete runs under the continuous ones, so that GF
// and SGF (the comparison the explorer is about) stay on top.
func drawOrder(s *live.Snapshot) []*live.Run {
	var discrete, cont []*live.Run
	for _, r := range s.Enabled() {
		if b := r.Algo.Base(); b == sim.GD || b == sim.SGD {
			discrete = append(discrete, r)
		} else {
			cont = append(cont, r)
		}
	}
	return append(discrete, cont...)
}

func flat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// plot draws the series on height+1 rows. The values are mapped to
// [0, height] first, so asciigraph's rows are exactly height+1 whatever the
// data, and the y labels are drawn back in data units.
func (c *Chart) plot(series []plotSeries, height, cols int) []string {
	lo, hi := math.Inf(1), math.Inf(-1)
	maxLen := 0
	healthy := false
	for _, p := range series {
		healthy = healthy || (!p.diverged && !p.ref)
	}
	series = dropFarLevels(series)
	for _, p := range series {
		maxLen = max(maxLen, len(p.lo))
		if p.diverged && healthy {
			continue
		}

		for i := range p.lo {
			if isFinite(p.lo[i]) && isFinite(p.hi[i]) {
				lo, hi = math.Min(lo, p.lo[i]), math.Max(hi, p.hi[i])
			}
		}
	}
	if !isFinite(lo) || !isFinite(hi) || maxLen == 0 {
		return make([]string, height+1)
	}
	lo, hi = padRange(lo, hi, c.metric.Log())
	if !c.metric.Log() {
		lo, hi = niceRange(lo, hi, height)
	}
	labels := axisLabels(lo, hi, height, c.metric.Log(), yLabelWidth)
	scale := float64(height) / (hi - lo)
	// A spread narrower than a row draws as its midpoint; wider ones keep
	// their extremes, so noise bands and spikes stay visible.
	for i := range series {
		series[i].values = live.Decimate(series[i].lo, series[i].hi, (hi-lo)/float64(height))
	}
	data := make([][]float64, 0, len(series))
	glyphs := make([]asciigraph.CharSet, 0, len(series))
	colors := make([]asciigraph.AnsiColor, 0, len(series))
	useColor := c.common.Styles.Color
	for _, p := range series {
		u := make([]float64, len(p.values))
		for i, v := range p.values {
			x := (v - lo) * scale
			if !isFinite(x) {
				x = 0
			}
			u[i] = math.Min(math.Max(x, 0), float64(height))
		}
		if len(u) == 1 {
			u = append(u, u[0]) // a single point still draws
		}
		data = append(data, u)
		glyphs = append(glyphs, p.glyph)
		colors = append(colors, p.color)
	}
	maxLen = max(maxLen, 2)
	opts := []asciigraph.Option{
		asciigraph.Height(height), asciigraph.Width(maxLen),
		asciigraph.LowerBound(0), asciigraph.UpperBound(float64(height)),
		asciigraph.Offset(3),
		asciigraph.SeriesChars(glyphs...),
		asciigraph.YAxisValueFormatter(func(u float64) string {
			row := min(max(int(math.Round(float64(height)-u)), 0), height)
			return padLeft(labels[row], yLabelWidth)
		}),
	}
	if useColor {
		opts = append(opts, asciigraph.SeriesColors(colors...))
	}
	out := asciigraph.PlotMany(data, opts...)
	return strings.Split(out, "\n")
}

// axisLine is the time axis: ticks, and a marker where the parameters
// were changed live.
func (c *Chart) axisLine(s *live.Snapshot, ax live.Axis, cols int) string {
	st := c.common.Styles
	cells := make([]string, cols)
	for i := range cells {
		cells[i] = "─"
	}
	for _, col := range tickColumns(cols) {
		cells[col] = "┬"
	}
	jumps := c.staircaseJumps(s, ax, cols)
	marked := make([]bool, cols)
	for _, m := range s.Markers {
		if col, ok := ax.Column(m.Time, cols); ok {
			marked[col] = true
		}
	}
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", plotLeft-1))
	b.WriteString("└")
	for i, cell := range cells {
		switch {
		case marked[i]:
			b.WriteString(st.Notice.Render(markerGlyph))
		case jumps != nil && jumps[i]:
			b.WriteString(st.Ref.Render(jumpGlyph))
		default:
			b.WriteString(cell)
		}
	}
	return b.String()
}

// tickColumns places a tick every 10 or so columns, at the ends included.
func tickColumns(cols int) []int {
	if cols < 2 {
		return []int{0}
	}
	n := max(1, (cols-1)/12)
	out := make([]int, 0, n+1)
	for i := 0; i <= n; i++ {
		out = append(out, int(math.Round(float64(i)*float64(cols-1)/float64(n))))
	}
	return out
}

// labelLine writes the time at each tick that has room for its label.
func (c *Chart) labelLine(ax live.Axis, cols int, logTime bool) string {
	st := c.common.Styles
	caption := "time t"
	if logTime {
		caption = "t (log)"
	}
	line := []rune(strings.Repeat(" ", cols+rightMargin))
	next := 0
	if ax.Valid() {
		ticks := tickColumns(cols)
		if ax.Hi == ax.Lo {
			ticks = ticks[:1] // one moment: one label
		}
		times := make([]float64, len(ticks))
		for i, col := range ticks {
			times[i] = ax.At(float64(col) / float64(max(cols-1, 1)))
		}
		labels := formatTimes(times, logTime)
		for i, col := range ticks {
			lab := []rune(labels[i])
			start := col - len(lab)/2
			if i == 0 {
				start = col
			}
			if i == len(ticks)-1 {
				start = col - len(lab) + 1
			}
			if start < next || start+len(lab) > len(line) || start < 0 {
				continue
			}
			copy(line[start:], lab)
			next = start + len(lab) + 1
		}
	}
	return st.Dim.Render(fmt.Sprintf("%*s ", plotLeft-1, caption) + strings.TrimRight(string(line), " "))
}

// dropFarLevels leaves out the optional levels that lie more than half the
// data's span beyond it (the minimum-ℓ₂ level far above a rich-regime run
// would squash it against the bottom).
func dropFarLevels(series []plotSeries) []plotSeries {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range series {
		if p.optional {
			continue
		}
		for i := range p.lo {
			if isFinite(p.lo[i]) && isFinite(p.hi[i]) {
				lo, hi = math.Min(lo, p.lo[i]), math.Max(hi, p.hi[i])
			}
		}
	}
	margin := 0.5 * (hi - lo)
	return slices.DeleteFunc(slices.Clone(series), func(p plotSeries) bool {
		return p.optional && len(p.lo) > 0 && (p.lo[0] < lo-margin || p.lo[0] > hi+margin)
	})
}
