package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"sgdbias/sim"
	"sgdbias/sim/live"
)

// Strip compares β_t, β* and the predicted limit β̂ on the largest
// coordinates. With room it shows every shown run; otherwise the focused
// one (c cycles).
type Strip struct {
	common *Common
	width  int
	height int
	focus  sim.Algo
	snap   *live.Snapshot
}

// NewStrip returns a strip focused on SGF.
func NewStrip(c *Common) *Strip { return &Strip{common: c, focus: sim.SGF} }

// SetSize sets the strip's size.
func (s *Strip) SetSize(w, h int) { s.width, s.height = w, h }

// Update takes a new snapshot.
func (s *Strip) Update(snap *live.Snapshot) { s.snap = snap }

// CycleFocus moves the focus to the next shown run.
func (s *Strip) CycleFocus() {
	if s.snap == nil {
		return
	}
	runs := s.snap.Enabled()
	for i, r := range runs {
		if r.Algo == s.focus {
			s.focus = runs[(i+1)%len(runs)].Algo
			return
		}
	}
	if len(runs) > 0 {
		s.focus = runs[0].Algo
	}
}

// stripLabel is the least width of the row labels, stripCell of a value.
const (
	stripLabel = 10
	stripCell  = 7
)

// View renders the strip.
func (s *Strip) View() string {
	st := s.common.Styles
	if s.snap == nil || s.height < 2 {
		return blankBlock(s.width, s.height)
	}
	snap := s.snap
	runs := s.rows()
	labelW := stripLabel // wider for a variant's label ("SGF noise=0.1 β̂")
	for _, r := range runs {
		labelW = max(labelW, lipgloss.Width(algoLabel(r.Algo))+5)
	}
	ncol := min(len(snap.Coords), max(0, (s.width-labelW)/stripCell))
	var lines []string
	head := padRight("coord j", labelW)
	for _, j := range snap.Coords[:ncol] {
		head += fmt.Sprintf("%*d", stripCell, j)
	}
	lines = append(lines, st.Dim.Render(head))
	if snap.StarTop != nil {
		lines = append(lines, s.row(st.Title.Render("β*"), labelW, snap.StarTop[:ncol], nil))
	}
	if row, ok := s.saddleRow(labelW, ncol); ok {
		lines = append(lines, row)
	}
	for _, r := range runs {
		name := algoLabel(r.Algo)
		if r.Average != nil {
			// label-noise SGD: the time average and the Lasso it hovers around
			lines = append(lines, s.row(s.common.AlgoStyle(r.Algo).Render(name)+" avg", labelW, r.Average.Top[:ncol], snap.StarTop))
			if snap.LassoTop != nil {
				lines = append(lines, s.row(s.common.AlgoStyle(r.Algo).Render("Lasso"), labelW, snap.LassoTop[:ncol], snap.StarTop))
			} else {
				lines = append(lines, st.Dim.Render(padRight("Lasso", labelW)+" (solving…)"))
			}
			continue
		}
		lines = append(lines, s.row(s.common.AlgoStyle(r.Algo).Render(name)+" β_t", labelW, r.Top[:ncol], snap.StarTop))
		switch {
		case r.Diverged != nil:
			lines = append(lines, st.Dim.Render(padRight(name+" β̂", labelW)+" (diverged: no limit)"))
		case r.Prediction != nil:
			lines = append(lines, s.row(s.common.AlgoStyle(r.Algo).Render(name)+" β̂", labelW, r.Prediction.Top[:ncol], snap.StarTop))
		default:
			lines = append(lines, st.Dim.Render(padRight(name+" β̂", labelW)+" (predicted limit: solving…)"))
		}
	}
	return fitBlock(lines, s.width, s.height)
}

// rows picks the runs to show: all that fit, the focused one first.
func (s *Strip) rows() []*live.Run {
	runs := s.snap.Enabled()
	fixed := 1
	if s.snap.StarTop != nil {
		fixed = 2
	}
	if s.snap.Refs.Staircase != nil {
		fixed++ // the current saddle's row
	}
	fit := max(1, (s.height-fixed)/2)
	if len(runs) <= fit {
		return runs
	}
	var out []*live.Run
	for _, r := range runs {
		if r.Algo == s.focus {
			out = append(out, r)
		}
	}
	if len(out) == 0 && len(runs) > 0 {
		// The focus is not shown: the last run, the stochastic or pinned
		// one of most presets (SGD on gain-shape, label-noise SGD, a variant).
		out = append(out, runs[len(runs)-1])
	}
	for _, r := range runs {
		if len(out) >= fit {
			break
		}
		if r.Algo != out[0].Algo {
			out = append(out, r)
		}
	}
	return out
}

// row renders one labelled row of values; off the support of β* a value
// is dimmed unless it is large.
func (s *Strip) row(label string, labelW int, vals, star []float64) string {
	st := s.common.Styles
	var b strings.Builder
	b.WriteString(padRight(label, labelW))
	for i, v := range vals {
		cell := fmt.Sprintf("%*s", stripCell, signed(v))
		if star != nil && star[i] == 0 && abs(v) < 0.05 {
			cell = st.Dim.Render(cell)
		}
		b.WriteString(cell)
	}
	return b.String()
}
