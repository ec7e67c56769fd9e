package ui

import (
	"fmt"
	"math"
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

	key    chartKey
	cached string
	plots  int // re-plots so far, for tests
}

type chartKey struct {
	data, gen  uint64
	w, h       int
	logTime    bool
	xLabels    bool
	shown      string
	hasBetaSt  bool
	refsLoaded bool
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
func (c *Chart) Update(s *live.Snapshot, logTime bool) {
	if s == nil {
		return
	}
	k := chartKey{data: s.DataVersion, gen: s.Generation, w: c.width, h: c.height, logTime: logTime,
		xLabels: c.xLabels, hasBetaSt: s.Problem.HasBetaStar, refsLoaded: s.Refs.Ready}
	for _, r := range s.Enabled() {
		k.shown += string(r.Algo)
	}
	if k == c.key && c.cached != "" {
		return
	}
	c.key = k
	c.cached = c.render(s, logTime)
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
	ref      bool
}

// render draws the chart: a title line, the plot, the time axis with the
// live-change markers, and (optionally) the tick labels.
func (c *Chart) render(s *live.Snapshot, logTime bool) string {
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
	ax := s.TimeAxis(logTime)

	series := c.collect(s, ax, cols)
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

// collect gathers the series to plot: the shown runs, then the reference
// levels of the ‖β‖₁ chart as flat lines.
func (c *Chart) collect(s *live.Snapshot, ax live.Axis, cols int) []plotSeries {
	st := c.common.Styles
	var out []plotSeries
	for _, r := range drawOrder(s) {
		lo, hi := r.Envelope(c.metric, ax, cols)
		if len(lo) == 0 {
			continue
		}
		col, _ := c.common.chartColor(r.Algo)
		out = append(out, plotSeries{lo: lo, hi: hi, glyph: c.common.Glyph(r.Algo), color: col, diverged: r.Diverged != nil})
	}
	if c.metric == live.L1 && len(out) > 0 {
		refCol := asciigraph.Default
		if st.Color {
			refCol = st.refColor
		}
		if s.Refs.HasMinL1 {
			v := flat(s.Refs.MinL1, cols)
			out = append([]plotSeries{{lo: v, hi: v, glyph: asciigraph.CreateCharSet(glyphMinL1), color: refCol, ref: true}}, out...)
		}
		if s.Refs.HasGFLimit {
			v := flat(s.Refs.GFLimitL1, cols)
			out = append([]plotSeries{{lo: v, hi: v, glyph: asciigraph.CreateCharSet(glyphGFLimit), color: refCol, ref: true}}, out...)
		}
	}
	if len(out) > 0 {
		out = append(c.staircaseSeries(s, cols), out...)
	}
	return out
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
		for i, col := range ticks {
			f := float64(col) / float64(max(cols-1, 1))
			lab := []rune(formatTime(ax.At(f), logTime))
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
