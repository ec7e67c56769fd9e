package ui

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"sgdbias/sim"
	"sgdbias/sim/live"
)

// Header is the top status line: the clock, its speed and its state.
type Header struct {
	common *Common
	width  int
	snap   *live.Snapshot
	speed  float64
}

// SetSize sets the header's width (it is one line high).
func (h *Header) SetSize(w, _ int) { h.width = w }

// View renders the header.
func (h *Header) View() string {
	st := h.common.Styles
	s := h.snap
	if s == nil {
		return fitBlock([]string{st.Title.Render("sgdbias")}, h.width, 1)
	}
	sep := st.Dim.Render(" │ ")
	parts := []string{
		st.Title.Render("sgdbias"),
		st.Label.Render("t ") + st.Value.Render(formatClock(s.Time)),
		st.Label.Render("step ") + st.Value.Render(groupDigits(s.Steps)),
	}
	rate := "—"
	if s.State == live.Running && s.StepsPerSec > 0 {
		rate = formatRate(s.StepsPerSec)
	}
	parts = append(parts, st.Value.Render(rate)+st.Label.Render(" steps/s"))
	parts = append(parts, h.stateText(s.State))
	parts = append(parts, st.Label.Render("speed ")+st.Value.Render(speedText(h.speed)))
	line := strings.Join(parts, sep)
	if rest := h.width - lipgloss.Width(line); rest > 12 {
		p := s.Problem
		tail := fmt.Sprintf("n=%d d=%d s=%d seed %d", p.N, p.D, p.S, p.Seed)
		if p.Loaded {
			tail = fmt.Sprintf("%s n=%d d=%d seed %d", p.Source, p.N, p.D, p.Seed)
		}
		if name := s.Scenario.Name; name != "" && lipgloss.Width(name+" · "+tail)+3 <= rest {
			tail = name + " · " + tail
		}
		if lipgloss.Width(tail)+3 <= rest {
			line += sep + st.Dim.Render(tail)
		}
	}
	return fitBlock([]string{line}, h.width, 1)
}

func (h *Header) stateText(s live.State) string {
	st := h.common.Styles
	switch s {
	case live.Running:
		return st.Running.Render("▶ running")
	case live.Paused:
		return st.Stopped.Render("‖ paused")
	case live.Converged:
		return st.Running.Render("✓ converged")
	case live.Diverged:
		return st.Error.Render("✗ diverged")
	}
	return s.String()
}

func speedText(v float64) string {
	if math.IsInf(v, 1) || v <= 0 {
		return "max"
	}
	return formatRate(v) + "/s"
}

func formatRate(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', 1, 64) + "M"
	case v >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', 0, 64) + "k"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func formatClock(t float64) string {
	switch a := math.Abs(t); {
	case a == 0:
		return "0"
	case a >= 1e6:
		return shortExp(strconv.FormatFloat(t, 'e', 3, 64))
	case a >= 100:
		return strconv.FormatFloat(t, 'f', 1, 64)
	}
	return strconv.FormatFloat(t, 'f', 3, 64)
}

// groupDigits writes 1234567 as 1,234,567.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Legend names the series glyphs, the reference levels and the marker.
type Legend struct {
	common *Common
	width  int
	snap   *live.Snapshot
}

// SetSize sets the legend's width (one line).
func (l *Legend) SetSize(w, _ int) { l.width = w }

// View renders the legend.
func (l *Legend) View() string {
	st := l.common.Styles
	s := l.snap
	if s == nil {
		return blankBlock(l.width, 1)
	}
	var parts []string
	for _, r := range s.Enabled() {
		name := algoLabel(r.Algo)
		if r.CatchingUp {
			name += " (catching up)"
		}
		parts = append(parts, st.Algo(r.Algo).Render(Glyph(r.Algo).Horizontal+Glyph(r.Algo).Horizontal+" "+name))
	}
	if s.Refs.HasMinL1 {
		parts = append(parts, st.Ref.Render("┈┈ min-ℓ₁ "+formatValue(s.Refs.MinL1)))
	}
	if s.Refs.HasGFLimit {
		parts = append(parts, st.Ref.Render("╌╌ GF limit "+formatValue(s.Refs.GFLimitL1)))
	}
	if !s.Refs.Ready {
		parts = append(parts, st.Dim.Render("(solving references…)"))
	}
	if len(s.Markers) > 0 {
		parts = append(parts, st.Notice.Render(markerGlyph)+st.Dim.Render(" live change"))
	}
	return fitBlock([]string{strings.Join(parts, "  ")}, l.width, 1)
}

// StatusLine shows the test error of each run beside its predicted
// limit's, or a transient notice.
type StatusLine struct {
	common *Common
	width  int
	snap   *live.Snapshot
	notice string
	isErr  bool
}

// SetSize sets the status line's width (one line).
func (sl *StatusLine) SetSize(w, _ int) { sl.width = w }

// View renders the status line.
func (sl *StatusLine) View() string {
	st := sl.common.Styles
	if sl.notice != "" {
		style := st.Notice
		if sl.isErr {
			style = st.Error
		}
		return fitBlock([]string{style.Render(sl.notice)}, sl.width, 1)
	}
	s := sl.snap
	if s == nil {
		return blankBlock(sl.width, 1)
	}
	var parts []string
	if s.Problem.HasBetaStar {
		parts = append(parts, st.Label.Render("test error now→limit"))
	} else {
		parts = append(parts, st.Label.Render("‖β‖₁ now→limit"))
	}
	for _, r := range s.Enabled() {
		if !r.HasLatest {
			continue
		}
		now, lim := r.Latest.L1, "…"
		if s.Problem.HasBetaStar {
			now = r.Latest.TestError
		}
		if p := r.Prediction; p != nil {
			if s.Problem.HasBetaStar && p.HasTestError {
				lim = shortValue(p.TestError)
			} else if !s.Problem.HasBetaStar {
				lim = shortValue(p.L1)
			}
		}
		if r.Diverged != nil {
			lim = string(r.Diverged.Status) // a stopped run has no limit
		}
		parts = append(parts, st.Algo(r.Algo).Render(algoLabel(r.Algo))+" "+st.Value.Render(shortValue(now))+
			st.Dim.Render("→")+lim)
	}
	return fitBlock([]string{strings.Join(parts, "  ")}, sl.width, 1)
}

// Banner reports diverged runs with the step and a stable-step hint.
type Banner struct {
	common *Common
	width  int
	snap   *live.Snapshot
}

// SetSize sets the banner's width (one line).
func (b *Banner) SetSize(w, _ int) { b.width = w }

// Active reports whether a shown run diverged.
func (b *Banner) Active() bool {
	if b.snap == nil {
		return false
	}
	for _, r := range b.snap.Enabled() {
		if r.Diverged != nil {
			return true
		}
	}
	return false
}

// View renders the banner line.
func (b *Banner) View() string {
	st := b.common.Styles
	if !b.Active() {
		return blankBlock(b.width, 1)
	}
	var parts, hints []string
	for _, r := range b.snap.Enabled() {
		d := r.Diverged
		if d == nil {
			continue
		}
		part := fmt.Sprintf("%s %s at step %s", algoLabel(r.Algo), d.Status, groupDigits(d.Step))
		if r.Algo.Base() != sim.GF {
			part += fmt.Sprintf(" (γ %s)", formatParam(d.Gamma))
		}
		parts = append(parts, part)
		if d.Hint != "" && !slices.Contains(hints, d.Hint) {
			hints = append(hints, d.Hint)
		}
	}
	text := "✗ " + strings.Join(parts, "; ")
	if len(hints) > 0 {
		text += " — " + strings.Join(hints, "; ")
	}
	text += "; r restarts"
	line := truncate(text, b.width)
	return st.Banner.Render(padRight(line, b.width))
}
