package ui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"

	"sgdbias/sim"
	"sgdbias/sim/live"
)

// ValueTable is the legend of the charts with the values: one row per
// shown run (its glyph, name and latest loss, ‖β‖₁, α_t, test error, and
// the same at its predicted limit), and the reference levels beside. Every
// value is written whole: columns are as wide as their widest value, and
// what does not fit beside the rows goes on a line of its own.
type ValueTable struct {
	common *Common
	width  int
	snap   *live.Snapshot
	note   string // a last line (the ghosts), if any
}

// SetSize sets the table's width; its height is Lines.
func (t *ValueTable) SetSize(w, _ int) { t.width = w }

// Lines is the table's height for a snapshot: a header row, one row per
// shown run, and a line for the levels when they do not fit beside.
func (t *ValueTable) Lines() int { return len(t.render()) }

// View renders the table.
func (t *ValueTable) View() string {
	lines := t.render()
	return fitBlock(lines, t.width, len(lines))
}

// tableColumn is one column: its header and its cells, one per run.
type tableColumn struct {
	head  string
	cells []string
}

func (t *ValueTable) render() []string {
	st := t.common.Styles
	s := t.snap
	if s == nil {
		return []string{""}
	}
	runs := s.Enabled()
	star := s.Problem.HasBetaStar
	names := tableColumn{head: ""}
	cols := []tableColumn{{head: "loss"}, {head: "‖β‖₁"}, {head: "α_t"}}
	if star {
		cols = append(cols, tableColumn{head: "test err"})
	}
	limitHead := "limit ‖β‖₁"
	if star {
		limitHead = "limit test err"
	}
	cols = append(cols, tableColumn{head: limitHead})
	var rowStyles []lipgloss.Style
	addRow := func(name string, style lipgloss.Style, vals []string) {
		names.cells = append(names.cells, name)
		rowStyles = append(rowStyles, style)
		for i := range cols {
			cols[i].cells = append(cols[i].cells, vals[i])
		}
	}
	for _, r := range runs {
		g := t.common.Glyph(r.Algo).Horizontal
		name := g + g + " " + algoLabel(r.Algo)
		if r.CatchingUp {
			name += " (catching up)"
		}
		style := t.common.AlgoStyle(r.Algo)
		addRow(name, style, runValues(r, star, s.Refs))
		if a := r.Average; a != nil {
			// label-noise SGD's time-averaged iterate: the one near the Lasso
			avg := make([]string, len(cols))
			avg[1] = sigValue(a.L1)
			if star && a.HasTestError {
				avg[3] = sigValue(a.TestError)
			}
			addRow("   time avg", style, avg)
		}
	}
	widths := make([]int, len(cols))
	nameW := 0
	for _, c := range names.cells {
		nameW = max(nameW, lipgloss.Width(c))
	}
	used := nameW
	for i, c := range cols {
		widths[i] = lipgloss.Width(c.head)
		for _, v := range c.cells {
			widths[i] = max(widths[i], lipgloss.Width(v))
		}
		used += 2 + widths[i]
	}
	lines := make([]string, 1+len(names.cells))
	var head strings.Builder
	head.WriteString(strings.Repeat(" ", nameW))
	for i, c := range cols {
		head.WriteString("  " + padLeft(c.head, widths[i]))
	}
	lines[0] = st.Dim.Render(head.String())
	for k := range names.cells {
		var b strings.Builder
		b.WriteString(rowStyles[k].Render(padRight(names.cells[k], nameW)))
		for i, c := range cols {
			b.WriteString("  " + st.Value.Render(padLeft(c.cells[k], widths[i])))
		}
		lines[k+1] = b.String()
	}
	lines = t.addAside(lines, used)
	if t.note != "" {
		lines = append(lines, st.Dim.Render(t.note))
	}
	return lines
}

// runValues are a run's cells: loss, ‖β‖₁, α_t, test error (with β*), and
// its limit's test error (with β*) or ‖·‖₁: the predicted limit β̂, or for
// label-noise SGD, which never settles, the Lasso solution it hovers
// around.
func runValues(r *live.Run, star bool, refs live.References) []string {
	n := 4
	if star {
		n = 5
	}
	out := make([]string, n)
	for i := range out {
		out[i] = "…"
	}
	if r.HasLatest {
		out[0], out[1], out[2] = sigValue(r.Latest.Loss), sigValue(r.Latest.L1), sigValue(r.Latest.AlphaGeoMean)
		if star {
			out[3] = "—"
			if r.Latest.HasTestError {
				out[3] = sigValue(r.Latest.TestError)
			}
		}
	}
	switch p := r.Prediction; {
	case r.Diverged != nil: // a stopped run has no limit
		out[n-1] = string(r.Diverged.Status)
	case r.Algo.Base() == sim.LNSGD:
		switch {
		case !refs.HasLasso:
		case star:
			out[n-1] = sigValue(refs.LassoTestError)
		default:
			out[n-1] = sigValue(refs.LassoL1)
		}
	case p == nil:
	case star && p.HasTestError:
		out[n-1] = sigValue(p.TestError)
	case !star:
		out[n-1] = sigValue(p.L1)
	}
	return out
}

// addAside puts the reference levels and the marker note to the right of
// the rows, one per row, or on a line of their own when they do not fit.
func (t *ValueTable) addAside(lines []string, used int) []string {
	st := t.common.Styles
	s := t.snap
	var aside []string
	for _, m := range live.Metrics {
		levels := chartLevels(s, m)
		for i := len(levels) - 1; i >= 0; i-- { // the chart's order, top first
			l := levels[i]
			if l.Label != "" {
				aside = append(aside, st.Ref.Render(l.Glyph+l.Glyph+" "+l.Label+" "+sigValue(l.Value)))
			}
		}
	}
	if text := staircaseLegend(s); text != "" {
		aside = append(aside, st.Ref.Render(text))
	}
	if !s.Refs.Ready {
		aside = append(aside, st.Dim.Render("(solving references…)"))
	}
	if len(s.Markers) > 0 {
		aside = append(aside, st.Notice.Render(markerGlyph)+st.Dim.Render(" live change"))
	}
	if len(aside) == 0 {
		return lines
	}
	if beside := packAside(aside, t.width-used-4, len(lines)); beside != nil {
		for i, a := range beside {
			if a != "" {
				lines[i] = padRight(lines[i], used) + "    " + a
			}
		}
		return lines
	}
	return append(lines, packAside(aside, t.width, len(aside))...)
}

// packAside fills at most n lines of width w with the items, in order, as
// many to a line as fit; nil when they do not all fit.
func packAside(items []string, w, n int) []string {
	out := make([]string, 0, n)
	cur := ""
	for _, it := range items {
		switch {
		case lipgloss.Width(it) > w:
			return nil
		case cur == "":
			cur = it
		case lipgloss.Width(cur)+2+lipgloss.Width(it) <= w:
			cur += "  " + it
		default:
			out = append(out, cur)
			cur = it
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	if len(out) > n {
		return nil
	}
	return out
}

// padLeft right-aligns a (possibly styled) string in w cells.
func padLeft(s string, w int) string {
	if pad := w - lipgloss.Width(s); pad > 0 {
		return strings.Repeat(" ", pad) + s
	}
	return s
}
