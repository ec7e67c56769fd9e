// Package figure renders sweep results as terminal charts, heatmaps and
// SVG, PNG and PDF figures. It does no numerics: it draws the numbers it is given
// (non-finite ones as gaps), choosing only scales, colours and layout.
package figure

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/guptarohit/asciigraph"
)

// Series is one curve: Y[i] at X[i], with an error bar from Lo[i] to Hi[i]
// (absolute values, not distances; NaN or a missing entry: no bar). A
// non-finite Y (or, on a log scale, a non-positive one) is a gap.
type Series struct {
	Name string
	X    []float64
	Y    []float64
	Lo   []float64
	Hi   []float64
}

// Chart is a line chart for the terminal, drawn with asciigraph.
type Chart struct {
	Title          string
	XLabel, YLabel string
	// XLog and YLog put the axes on log scales; the tick labels are the
	// values themselves.
	XLog, YLog bool
	// Width and Height are the plot area in columns and rows (defaults 60
	// and 12).
	Width, Height int
	// Color draws the series in colour; without it they differ by glyph
	// only, as they also do with it.
	Color  bool
	Series []Series
}

// glyphs tell series apart without colour: ─, ━, ═, ┄, then ASCII.
var glyphs = []asciigraph.CharSet{
	{Horizontal: "─", VerticalLine: "│", ArcDownRight: "╭", ArcDownLeft: "╮", ArcUpRight: "╰", ArcUpLeft: "╯", EndCap: "╴", StartCap: "╶"},
	{Horizontal: "━", VerticalLine: "┃", ArcDownRight: "┏", ArcDownLeft: "┓", ArcUpRight: "┗", ArcUpLeft: "┛", EndCap: "╸", StartCap: "╺"},
	{Horizontal: "═", VerticalLine: "║", ArcDownRight: "╔", ArcDownLeft: "╗", ArcUpRight: "╚", ArcUpLeft: "╝", EndCap: "═", StartCap: "═"},
	{Horizontal: "┄", VerticalLine: "┆", ArcDownRight: "┌", ArcDownLeft: "┐", ArcUpRight: "└", ArcUpLeft: "┘", EndCap: "┄", StartCap: "┄"},
	asciigraph.CreateCharSet("*"),
	asciigraph.CreateCharSet("+"),
	asciigraph.CreateCharSet("o"),
	asciigraph.CreateCharSet("x"),
}

var chartColors = []asciigraph.AnsiColor{asciigraph.DodgerBlue, asciigraph.Orange, asciigraph.MediumSeaGreen, asciigraph.HotPink,
	asciigraph.Gold, asciigraph.MediumPurple, asciigraph.Turquoise, asciigraph.Tomato}

// Glyph returns the horizontal line character of series i, for legends
// written outside the chart.
func Glyph(i int) string { return glyphs[i%len(glyphs)].Horizontal }

// Render draws the chart. It never panics on empty, flat or non-finite data:
// with nothing to draw it says so in one line.
func (c Chart) Render() string {
	width, height := c.Width, c.Height
	if width <= 0 {
		width = 60
	}
	if height <= 0 {
		height = 12
	}
	width, height = max(width, 8), max(height, 3)
	tx := func(x float64) float64 { return scaled(x, c.XLog) }
	xmin, xmax := math.Inf(1), math.Inf(-1)
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for i, x := range s.X {
			if i >= len(s.Y) || !isFinite(tx(x)) || !isFinite(scaled(s.Y[i], c.YLog)) {
				continue
			}
			xmin, xmax = math.Min(xmin, tx(x)), math.Max(xmax, tx(x))
			y := scaled(s.Y[i], c.YLog)
			ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
		}
	}
	if !(xmin < xmax) || !isFinite(ymin) {
		return fmt.Sprintf("%s: nothing to chart (fewer than two x values with a finite value)\n", c.Title)
	}
	var data [][]float64
	var legends []string
	var chars []asciigraph.CharSet
	var colors []asciigraph.AnsiColor
	for i, s := range c.Series {
		col := resample(s, c.XLog, c.YLog, xmin, xmax, width)
		if !anyFinite(col) {
			continue
		}
		data = append(data, col)
		legends = append(legends, s.Name)
		chars = append(chars, glyphs[i%len(glyphs)])
		colors = append(colors, chartColors[i%len(chartColors)])
	}
	yfmt := func(v float64) string { return tickLabel(v, c.YLog) }
	opts := []asciigraph.Option{
		asciigraph.Width(width), asciigraph.Height(height),
		asciigraph.SeriesChars(chars...),
		asciigraph.YAxisValueFormatter(yfmt),
		asciigraph.XAxisRange(xmin, xmax), asciigraph.XAxisTickCount(min(5, width/10+1)),
		asciigraph.XAxisValueFormatter(func(v float64) string { return tickLabel(v, c.XLog) }),
	}
	if ymin == ymax { // a flat series: give it a range to sit in
		pad := math.Max(math.Abs(ymin)*0.1, 1e-12)
		if c.YLog {
			pad = 0.5
		}
		opts = append(opts, asciigraph.LowerBound(ymin-pad), asciigraph.UpperBound(ymax+pad))
	}
	if c.Color {
		opts = append(opts, asciigraph.SeriesColors(colors...))
	}
	var b strings.Builder
	if c.Title != "" {
		b.WriteString(c.Title + "\n")
	}
	if c.YLabel != "" {
		b.WriteString(c.YLabel)
		if c.YLog {
			b.WriteString(" (log scale)")
		}
		b.WriteString("\n")
	}
	b.WriteString(asciigraph.PlotMany(data, opts...))
	b.WriteString("\n")
	if c.XLabel != "" {
		label := c.XLabel
		if c.XLog {
			label += " (log scale)"
		}
		b.WriteString(strings.Repeat(" ", max(0, (width-len([]rune(label)))/2+8)) + label + "\n")
	}
	// The legend, written here rather than by asciigraph, which would emit
	// colour codes even without colours.
	// Entries wrap to stay within the chart's width and its y labels.
	b.WriteString(" ")
	col, limit := 1, width+12
	for i, name := range legends {
		mark := strings.Repeat(chars[i].Horizontal, 2)
		entry := 1 + 2 + 1 + len([]rune(name))
		if col > 1 && col+entry > limit {
			b.WriteString("\n ")
			col = 1
		}
		if c.Color {
			mark = fmt.Sprintf("\x1b[38;5;%dm%s\x1b[0m", colors[i], mark)
		}
		fmt.Fprintf(&b, " %s %s", mark, name)
		col += entry
	}
	b.WriteString("\n")
	return b.String()
}

// resample evaluates a series at width equally spaced positions of the
// (transformed) x range by linear interpolation between neighbouring grid
// points; positions outside the series' finite points, or between a finite
// and a missing one, are NaN (a gap). Sampling on the transformed axis is
// what makes a log-spaced grid come out evenly spread.
func resample(s Series, xlog, ylog bool, xmin, xmax float64, width int) []float64 {
	out := make([]float64, width)
	type pt struct{ x, y float64 }
	var pts []pt
	for i, x := range s.X {
		if tx := scaled(x, xlog); i < len(s.Y) && isFinite(tx) {
			pts = append(pts, pt{tx, scaled(s.Y[i], ylog)})
		}
	}
	slices.SortStableFunc(pts, func(a, b pt) int { return cmp.Compare(a.x, b.x) })
	for k := range out {
		x := xmin + (xmax-xmin)*float64(k)/float64(width-1)
		if k == width-1 {
			x = xmax
		}
		out[k] = math.NaN()
		for i, a := range pts {
			if a.x == x {
				out[k] = a.y
				break
			}
			if i+1 < len(pts) && a.x < x && x < pts[i+1].x {
				b := pts[i+1]
				out[k] = a.y + (b.y-a.y)*(x-a.x)/(b.x-a.x) // NaN when either end is missing
				break
			}
		}
	}
	return out
}

// scaled is log10(v) on a log scale (NaN for v ≤ 0), v otherwise; non-finite
// values become NaN.
func scaled(v float64, log bool) float64 {
	if log {
		if !(v > 0) {
			return math.NaN()
		}
		v = math.Log10(v)
	}
	if !isFinite(v) {
		return math.NaN()
	}
	return v
}

// tickLabel formats an axis value, undoing the log scale.
func tickLabel(v float64, log bool) string {
	if log {
		v = math.Pow(10, v)
	}
	return FormatValue(v)
}

// FormatValue prints a number in at most 3 significant digits without
// trailing noise: 0.001, 0.0178, 1.5e+04.
func FormatValue(v float64) string {
	if !isFinite(v) {
		return "—"
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// LogUseful reports whether values are best shown on a log scale: all of
// the finite ones are positive and they span more than a factor of 20.
func LogUseful(values ...[]float64) bool {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, vs := range values {
		for _, v := range vs {
			if !isFinite(v) {
				continue
			}
			if v <= 0 {
				return false
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	return lo > 0 && hi/lo > 20
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func anyFinite(v []float64) bool {
	for _, x := range v {
		if isFinite(x) {
			return true
		}
	}
	return false
}
