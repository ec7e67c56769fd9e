package figure

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Heatmap shows Z[row][col] over a grid: columns are X (left to right),
// rows are Y (bottom to top, as on a plot). Non-finite entries are
// cells without a value.
type Heatmap struct {
	Title          string
	XLabel, YLabel string
	X, Y           []float64
	Z              [][]float64
	// Log colours by log10 of the value (the values must be positive; others
	// count as missing).
	Log bool
	// NoValue says in the legend what a cell without a value means.
	NoValue string
	// MaxWidth bounds the width in columns (default 80).
	MaxWidth int
	// Lo and Hi fix the value range of the colours (so that several heatmaps
	// share one scale); when Lo ≥ Hi the range of Z is used.
	Lo, Hi float64
}

// palette runs from dark (low values) to bright (high values): viridis.
var palette = []string{"#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"}

// shades are the plain-text levels, light (low) to dark (high).
var shades = []string{".", ":", "-", "=", "+", "*", "#", "%", "@"}

const missingCell = "×"

// Render draws the heatmap with r's colour profile: coloured cells and a
// colour bar when r has colours, shade characters when it is nil or has
// none (stdout not a terminal, or NO_COLOR set).
func (h Heatmap) Render(r *lipgloss.Renderer) string {
	color := r != nil && r.ColorProfile() != termenv.Ascii
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, row := range h.Z {
		for _, v := range row {
			if t := scaled(v, h.Log); isFinite(t) {
				lo, hi = math.Min(lo, t), math.Max(hi, t)
			}
		}
	}
	if l, u := scaled(h.Lo, h.Log), scaled(h.Hi, h.Log); isFinite(l) && isFinite(u) && l < u && isFinite(lo) {
		lo, hi = l, u
	}
	var b strings.Builder
	if h.Title != "" {
		b.WriteString(h.Title + "\n")
	}
	if !isFinite(lo) || len(h.X) == 0 || len(h.Y) == 0 {
		b.WriteString("  no finite value to show\n")
		return b.String()
	}
	levels := len(shades)
	if color {
		levels = len(palette)
	}
	level := func(v float64) int {
		t := scaled(v, h.Log)
		if !isFinite(t) {
			return -1
		}
		if hi == lo {
			return levels / 2
		}
		return max(0, min(levels-1, int(math.Floor((t-lo)/(hi-lo)*float64(levels)))))
	}
	cell := func(l, w int) string {
		switch {
		case l < 0:
			return strings.Repeat(missingCell, w)
		case color:
			return r.NewStyle().Background(lipgloss.Color(palette[l])).Render(strings.Repeat(" ", w))
		}
		return strings.Repeat(shades[l], w)
	}

	rowLabels := make([]string, len(h.Y))
	labelW := len([]rune(h.YLabel))
	for i, y := range h.Y {
		rowLabels[i] = FormatValue(y)
		labelW = max(labelW, len(rowLabels[i]))
	}
	maxWidth := h.MaxWidth
	if maxWidth <= 0 {
		maxWidth = 80
	}
	cw := max(1, min(4, (maxWidth-labelW-2)/max(1, len(h.X))))

	fmt.Fprintf(&b, "%*s\n", labelW, h.YLabel)
	for i := len(h.Y) - 1; i >= 0; i-- { // the largest Y at the top
		var row []float64
		if i < len(h.Z) {
			row = h.Z[i]
		}
		fmt.Fprintf(&b, "%*s │", labelW, rowLabels[i])
		for j := range h.X {
			v := math.NaN()
			if j < len(row) {
				v = row[j]
			}
			b.WriteString(cell(level(v), cw))
		}
		b.WriteString("\n")
	}
	// The x axis: a rule, then labels at the first, middle and last columns
	// (more when they fit).
	b.WriteString(axis(h.X, labelW+2, cw))
	if h.XLabel != "" {
		fmt.Fprintf(&b, "%*s %s\n", labelW+1, "", h.XLabel)
	}
	b.WriteString(h.legend(color, lo, hi, levels, cell))
	return b.String()
}

// axis draws the x axis under the cells: a rule with a tick under each
// labelled column, then the labels, each starting at its column (the last
// one ends at the last column). The first and last columns are always
// labelled, the others when they fit.
func axis(xs []float64, indent, cw int) string {
	n := len(xs)
	line := []rune(strings.Repeat(" ", indent+cw*n+16))
	end := indent - 2 // last occupied position
	var ticks []int
	put := func(j, start int) {
		s := []rune(FormatValue(xs[j]))
		copy(line[start:], s)
		end = start + len(s) - 1
		ticks = append(ticks, j)
	}
	last := []rune(FormatValue(xs[n-1]))
	lastStart := max(indent, indent+n*cw-len(last))
	put(0, indent)
	for j := 1; j < n-1; j++ {
		start := indent + j*cw
		if start > end+1 && start+len([]rune(FormatValue(xs[j]))) < lastStart {
			put(j, start)
		}
	}
	if n > 1 {
		put(n-1, max(lastStart, end+2))
	}
	rule := []rune(strings.Repeat("─", cw*n))
	for _, j := range ticks {
		if j == n-1 {
			rule[cw*n-1] = '┬'
		} else {
			rule[j*cw] = '┬'
		}
	}
	return fmt.Sprintf("%*s└%s\n", indent-1, "", string(rule)) + strings.TrimRight(string(line), " ") + "\n"
}

// legend explains the colours or shades: a colour bar between the lowest
// and highest value, or the upper bound of each shade.
func (h Heatmap) legend(color bool, lo, hi float64, levels int, cell func(l, w int) string) string {
	unscale := func(t float64) string {
		if h.Log {
			t = math.Pow(10, t)
		}
		return FormatValue(t)
	}
	scale := ""
	if h.Log {
		scale = ", log scale"
	}
	var b strings.Builder
	if color {
		b.WriteString("  " + unscale(lo) + " ")
		for l := range levels {
			b.WriteString(cell(l, 2))
		}
		fmt.Fprintf(&b, " %s%s", unscale(hi), scale)
	} else {
		fmt.Fprintf(&b, "  %s  low to high: %s to %s in %d equal steps%s",
			strings.Join(shades, " "), unscale(lo), unscale(hi), levels, scale)
	}
	if h.NoValue != "" {
		fmt.Fprintf(&b, "\n  %s %s", missingCell, h.NoValue)
	}
	b.WriteString("\n")
	return b.String()
}
