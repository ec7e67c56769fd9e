package ui

import (
	"fmt"
	"slices"
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
	parts = append(parts, h.stateText(s.State))
	// The speed measured over the last moments, and the one asked for
	// (+/-): they differ when the machine cannot keep up.
	full := append(slices.Clone(parts), st.Label.Render("measured ")+st.Value.Render(rate+" steps/s"),
		st.Label.Render("target ")+st.Value.Render(speedText(h.speed)))
	short := append(slices.Clone(parts), st.Value.Render(rate+"/s")+st.Label.Render(" (target ")+
		st.Value.Render(speedText(h.speed))+st.Label.Render(")"))
	var line string
	for _, cand := range [][]string{full, full[1:], short[1:]} { // the name goes first, then the words
		if line = strings.Join(cand, sep); lipgloss.Width(line) <= h.width {
			break
		}
	}
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

// Banner reports runs that stopped (diverged, collapsed, failed) with the
// step and the hint that fits the method.
type Banner struct {
	common   *Common
	width    int
	maxLines int // rows the layout allows; 0 means maxBannerLines
	snap     *live.Snapshot
}

// SetSize sets the banner's width and the rows it may take (at most
// maxBannerLines); its height follows (Lines).
func (b *Banner) SetSize(w, h int) { b.width, b.maxLines = w, h }

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

// maxBannerLines caps the banner's rows: it wraps rather than cut a hint
// (the noise that works is the point of the banner), up to this many.
const maxBannerLines = 3

// View renders the banner, wrapped to its width (see Lines).
func (b *Banner) View() string {
	lines := b.lines()
	if len(lines) == 0 {
		return ""
	}
	st := b.common.Styles
	for i, l := range lines {
		lines[i] = st.Banner.Render(padRight(l, b.width))
	}
	return strings.Join(lines, "\n")
}

// Lines is the banner's height at its size: 0 when no shown run stopped.
func (b *Banner) Lines() int { return len(b.lines()) }

// FitsIn reports whether the banner says everything (its terse form at
// worst, never cut) in k rows at its width.
func (b *Banner) FitsIn(k int) bool {
	if !b.Active() || b.width <= 0 {
		return true
	}
	forms := b.forms()
	return len(forms[len(forms)-1]) <= k
}

// lines is the banner's text wrapped to its width: the first of its forms
// (forms) that fits the rows allowed, else the tersest one cut.
func (b *Banner) lines() []string {
	if !b.Active() || b.width <= 0 {
		return nil
	}
	limit := maxBannerLines
	if b.maxLines > 0 {
		limit = min(b.maxLines, maxBannerLines)
	}
	forms := b.forms()
	for _, lines := range forms {
		if len(lines) <= limit {
			return lines
		}
	}
	lines := forms[len(forms)-1][:limit]
	lines[limit-1] = truncate(lines[limit-1]+" …", b.width)
	return lines
}

// forms are the banner's text wrapped to its width, from the fullest to the
// tersest: in full; without the hints' parenthesised remarks; and without
// the step size of each run too (the parameter row shows it).
func (b *Banner) forms() [][]string {
	parts, hints := b.texts()
	join := func(parts, hints []string) []string {
		text := "✗ " + strings.Join(parts, "; ")
		if len(hints) > 0 {
			text += " — " + strings.Join(hints, "; ")
		}
		return wrapWords(text+"; r restarts", b.width)
	}
	full := join(parts, hints)
	hints = slices.Clone(hints)
	for i, h := range hints {
		hints[i] = withoutRemark(h)
	}
	short := join(parts, hints)
	parts = slices.Clone(parts)
	for i, p := range parts {
		parts[i] = withoutRemark(p)
	}
	return [][]string{full, short, join(parts, hints)}
}

// withoutRemark drops a closing parenthesised remark: "a (b)" → "a".
func withoutRemark(text string) string {
	if k := strings.LastIndex(text, " ("); k > 0 && strings.HasSuffix(text, ")") {
		return text[:k]
	}
	return text
}

// texts are how each shown run stopped and the distinct hints.
func (b *Banner) texts() (parts, hints []string) {
	for _, r := range b.snap.Enabled() {
		d := r.Diverged
		if d == nil {
			continue
		}
		part := fmt.Sprintf("%s %s at step %s", algoLabel(r.Algo), d.Status, groupDigits(d.Step))
		if r.Algo.Base() != sim.GF { // GF has no step
			part += fmt.Sprintf(" (γ %s)", formatParam(d.Gamma))
		}
		parts = append(parts, part)
		if d.Hint != "" && !slices.Contains(hints, d.Hint) {
			hints = append(hints, d.Hint)
		}
	}
	return parts, hints
}

// wrapWords breaks text at spaces into lines at most w cells wide; a word
// wider than w is cut.
func wrapWords(text string, w int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case lipgloss.Width(line)+1+lipgloss.Width(word) <= w:
			line += " " + word
		default:
			lines = append(lines, truncate(line, w))
			line = word
		}
	}
	if line != "" {
		lines = append(lines, truncate(line, w))
	}
	return lines
}
