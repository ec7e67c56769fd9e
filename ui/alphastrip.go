package ui

import (
	"math"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"sgdbias/sim/live"
)

// AlphaStrip shows α_t per coordinate (key v): for each run, its
// coordinates sorted by α_t,j from the smallest (the largest gain
// ln(α²/α_t,j²)) as a row of bars, and under it a mark ▴ on the support of
// β*. The bars share one log scale from the smallest α_t,j of the shown
// runs (▁) to the largest (█), so runs compare at a glance: GF's row is
// flat at α, a stochastic run's falls off.
type AlphaStrip struct {
	common *Common
	width  int
	height int
	snap   *live.Snapshot
	focus  *Strip // the β strip's focus (c) picks the run shown first
}

// SetSize sets the strip's size.
func (a *AlphaStrip) SetSize(w, h int) { a.width, a.height = w, h }

// bars are the eight heights of a cell, lowest first.
const bars = "▁▂▃▄▅▆▇█"

// View renders the strip.
func (a *AlphaStrip) View() string {
	st := a.common.Styles
	s := a.snap
	if s == nil || a.height < 2 {
		return blankBlock(a.width, a.height)
	}
	runs := a.rows()
	// One scale for every shown run (also those without room for a row),
	// at least a factor 2 wide so that a flat profile reads flat.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range s.Enabled() {
		if p := r.Alphas; p != nil {
			lo, hi = math.Min(lo, p.Alpha[0]), math.Max(hi, p.Alpha[len(p.Alpha)-1])
		}
	}
	lo = math.Min(lo, hi/2)
	if !isFinite(lo) {
		msg := "α_t per coordinate: no data yet"
		if s.Problem.D > live.MaxProfileCoords {
			msg = "α_t per coordinate: shown up to d = 4096"
		}
		return fitBlock([]string{st.Dim.Render(msg)}, a.width, a.height)
	}
	caption := "α_t,j sorted, smallest first: ▁ " + sigValue(lo) + " … █ " + sigValue(hi)
	if s.Problem.HasBetaStar {
		caption += "   ▴ support of β*"
	}
	lines := []string{st.Dim.Render(caption)}
	labelW := 0
	for _, r := range runs {
		labelW = max(labelW, lipgloss.Width(algoLabel(r.Algo)))
	}
	labelW += 1
	for _, r := range runs {
		p := r.Alphas
		if p == nil {
			continue
		}
		rangeText := " " + sigValue(p.Alpha[0]) + "–" + sigValue(p.Alpha[len(p.Alpha)-1])
		cols := max(1, a.width-labelW-lipgloss.Width(rangeText))
		clo, chi, support := p.Columns(cols)
		var bar, marks strings.Builder
		for c := range clo {
			bar.WriteString(barCell(math.Sqrt(clo[c]*chi[c]), lo, hi))
			if support[c] {
				marks.WriteString("▴")
			} else {
				marks.WriteString(" ")
			}
		}
		style := a.common.AlgoStyle(r.Algo)
		lines = append(lines, style.Render(padRight(algoLabel(r.Algo), labelW)+bar.String())+st.Dim.Render(rangeText))
		lines = append(lines, strings.Repeat(" ", labelW)+st.Dim.Render(marks.String()))
	}
	return fitBlock(lines, a.width, a.height)
}

// barCell is the bar of value v on the log scale from lo to hi.
func barCell(v, lo, hi float64) string {
	cells := []rune(bars)
	if !(hi > lo) {
		return string(cells[len(cells)-1])
	}
	f := (math.Log(v) - math.Log(lo)) / (math.Log(hi) - math.Log(lo))
	i := int(math.Round(f * float64(len(cells)-1)))
	return string(cells[min(max(i, 0), len(cells)-1)])
}

// rows picks the runs to show: all that fit, the focused one first (or,
// when the focus is not shown, the run whose α_t,j fell lowest).
func (a *AlphaStrip) rows() []*live.Run {
	runs := a.snap.Enabled()
	fit := max(1, (a.height-1)/2)
	if len(runs) <= fit {
		return runs
	}
	var out []*live.Run
	for _, r := range runs {
		if r.Algo == a.focus.focus {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		var low *live.Run
		for _, r := range runs {
			if r.Alphas != nil && (low == nil || r.Alphas.Alpha[0] < low.Alphas.Alpha[0]) {
				low = r
			}
		}
		if low != nil {
			out = append(out, low)
		}
	}
	for _, r := range runs {
		if len(out) >= fit {
			break
		}
		if len(out) == 0 || r.Algo != out[0].Algo {
			out = append(out, r)
		}
	}
	return out
}
