package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"sgdbias/sim"
	"sgdbias/sim/live"
)

// The screen: the components stacked, or one of the overlays (help,
// preset picker, "enlarge the terminal").

// View renders the screen.
func (m *Model) View() string {
	w, h := m.common.Width, m.common.Height
	if w == 0 || h == 0 {
		return "starting sgdbias…"
	}
	if m.tooSmall {
		return m.tooSmallView()
	}
	if m.showHelp {
		return m.helpView()
	}
	if m.picker.Active() {
		return m.picker.View(w, h)
	}
	parts := make([]string, 0, 10)
	parts = append(parts, m.header.View(), m.params.View())
	if m.hasModeLine() {
		parts = append(parts, m.modeLine())
	}
	if m.bannerLines > 0 {
		parts = append(parts, m.banner.View())
	}
	if m.zoom > 0 {
		parts = append(parts, m.charts[m.zoom-1].View(), m.values.View())
	} else {
		parts = append(parts, m.grid(), m.values.View())
	}
	switch {
	case m.stripHeight == 0:
	case m.alphaView:
		parts = append(parts, m.alphas.View())
	default:
		parts = append(parts, m.strip.View())
	}
	parts = append(parts, m.footer())
	return strings.Join(parts, "\n")
}

// grid joins the four cached charts two by two; the join itself is cached.
func (m *Model) grid() string {
	var key [4]int
	for i, c := range m.charts {
		key[i] = c.plots*1_000_000 + c.width*1000 + c.height
	}
	if m.topHidden {
		key[0], key[1] = -1, -1
	}
	if key == m.gridKey && m.gridCache != "" {
		return m.gridCache
	}
	rows := make([]string, 2)
	for r := range 2 {
		left := strings.Split(m.charts[2*r].View(), "\n")
		right := strings.Split(m.charts[2*r+1].View(), "\n")
		lines := make([]string, max(len(left), len(right)))
		for i := range lines {
			var l, rr string
			if i < len(left) {
				l = left[i]
			}
			if i < len(right) {
				rr = right[i]
			}
			lines[i] = l + rr
		}
		rows[r] = strings.Join(lines, "\n")
	}
	m.gridKey, m.gridCache = key, rows[0]+"\n"+rows[1]
	if m.topHidden {
		m.gridCache = rows[1]
	}
	return m.gridCache
}

// footer is the last line: the save prompt while it is open, else a
// notice while it lasts, else the key hint.
func (m *Model) footer() string {
	st := m.common.Styles
	w := m.common.Width
	switch {
	case m.save.active():
		line := m.save.view(st, w, m.opt.Confine)
		if hint := m.help.ShortHelpView(m.save.help(m.common.Keys)); lipgloss.Width(strings.TrimRight(line, " "))+3+lipgloss.Width(hint) <= w {
			line = strings.TrimRight(line, " ") + "   " + hint
		}
		return fitBlock([]string{line}, w, 1)
	case m.notice.text != "" && !m.params.Editing():
		style := st.Notice
		if m.notice.isErr {
			style = st.Error
		}
		return fitBlock([]string{style.Render(fitNotice(m.notice.text, w))}, w, 1)
	}
	return m.keyHint()
}

// fitNotice drops a notice's closing parenthesised remark (such as the
// command that loads a saved file) when the notice is wider than w, so the
// part that matters (the file's name) is not cut.
func fitNotice(text string, w int) string {
	if lipgloss.Width(text) <= w || !strings.HasSuffix(text, ")") {
		return text
	}
	if k := strings.LastIndex(text, " ("); k > 0 {
		return text[:k]
	}
	return text
}

// keyHint is the one-line key hint; "? help" and "q quit" always show, the
// rest is cut to the width.
func (m *Model) keyHint() string {
	k := m.common.Keys
	if m.params.Editing() {
		return m.help.ShortHelpView(k.editHelp())
	}
	// bubbles' help adds items past its Width once the ellipsis no longer
	// fits, so the items that fit are chosen here.
	hints := k.ShortHelp()
	switch {
	case m.following:
		hints = k.followHelp()
	case m.opt.Stage != nil:
		hints = append([]key.Binding{hints[0], short(k.Follow, "F", "follow")}, hints[1:]...)
	}
	if m.opt.NoExport != "" {
		hints = slices.DeleteFunc(slices.Clone(hints), func(b key.Binding) bool {
			return slices.Equal(b.Keys(), k.Export.Keys()) || slices.Equal(b.Keys(), k.Save.Keys())
		})
	}
	all := append(hints, k.tailHelp()...)
	tail := len(k.tailHelp())
	sep := lipgloss.Width(m.help.ShortSeparator)
	width := func(b key.Binding) int { return lipgloss.Width(b.Help().Key) + 1 + lipgloss.Width(b.Help().Desc) }
	used := -sep
	for _, b := range all[len(all)-tail:] {
		used += width(b) + sep
	}
	var fit []key.Binding
	for _, b := range all[:len(all)-tail] {
		if used+width(b)+sep > m.common.Width {
			break
		}
		fit = append(fit, b)
		used += width(b) + sep
	}
	h := m.help
	h.Width = 0
	return h.ShortHelpView(append(fit, all[len(all)-tail:]...))
}

// tooSmallView asks for a larger terminal, wrapped to the one there is so
// that its size is read in full even at 40 columns.
func (m *Model) tooSmallView() string {
	st := m.common.Styles
	w, h := m.common.Width, m.common.Height
	var lines []string
	for _, l := range wrapWords("enlarge the terminal", w) {
		lines = append(lines, st.Title.Render(l))
	}
	lines = append(lines, wrapWords(fmt.Sprintf("sgdbias needs at least %d×%d; this one is %d×%d.", MinWidth, MinHeight, w, h), w)...)
	lines = append(lines, st.Dim.Render(truncate("q quits", w)))
	if len(lines) > h {
		lines = lines[:h]
	}
	return m.common.Renderer.Place(w, h, lipgloss.Center, lipgloss.Center, strings.Join(lines, "\n"))
}

// helpView is the full help overlay, reflowed to the terminal: the keys in
// as many columns as fit (three, two or one), the explanations word-wrapped
// and dropped from the bottom up when the keys would not fit otherwise.
func (m *Model) helpView() string {
	st := m.common.Styles
	w, h := m.common.Width, m.common.Height
	inner := min(w-4, 96) // inside the border
	text := inner - 2     // inside the padding
	keys := m.keyColumns(text)
	title := st.HelpTitle.Render(truncate("sgdbias — implicit bias of (S)GD on diagonal linear networks", text))
	closing := st.Dim.Render("? or esc closes this help · q quits")
	var intro []string
	for _, p := range m.helpIntro(text) {
		intro = append(intro, strings.Split(ansi.Wordwrap(p, text, ""), "\n")...)
	}
	room := h - 2 - 1 - lipgloss.Height(keys) - 2 - 1 // border, title, keys, blanks, closing line
	intro = intro[:max(0, min(len(intro), room))]
	lines := append([]string{title}, intro...)
	lines = append(lines, "", keys, "", closing)
	box := st.HelpBox.Width(inner).Render(strings.Join(lines, "\n"))
	return m.common.Renderer.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

// helpIntro is the help's explanation, one paragraph a line.
func (m *Model) helpIntro(width int) []string {
	st := m.common.Styles
	c := &m.common
	out := []string{"β = w₊⊙w₊ − w₋⊙w₋, w±(0) = α (seed paper's convention), loss ‖Xβ−y‖²/(4n)"}
	// The scenario's kinds of run come first (the help may have room for
	// only a few lines); heavy ball and label-noise SGD only when shown.
	var pairs, others [][2]string
	for _, k := range []struct {
		base  sim.Algo
		about string
	}{
		{sim.GF, "gradient flow"}, {sim.SGF, "stochastic gradient flow"},
		{sim.GD, "gradient descent, γ"}, {sim.SGD, "stochastic GD, γ, batch b"},
		{sim.HB, "heavy ball, γ, momentum μ"}, {sim.LNSGD, "label-noise SGD, γ, δ"},
	} {
		pair := [2]string{glyphText(c, k.base), k.about}
		switch {
		case m.snap != nil && runsBase(m.snap, k.base):
			pairs = append(pairs, pair)
		case k.base != sim.HB && k.base != sim.LNSGD:
			others = append(others, pair)
		}
	}
	pairs = append(pairs, others...)
	if width >= 76 {
		for i := 0; i < len(pairs); i += 2 {
			if i+1 == len(pairs) {
				out = append(out, pairs[i][0]+" "+pairs[i][1])
				break
			}
			out = append(out, padRight(pairs[i][0]+" "+pairs[i][1], 32)+"  "+pairs[i+1][0]+" "+pairs[i+1][1])
		}
	} else {
		for _, p := range pairs {
			out = append(out, p[0]+" "+p[1])
		}
	}
	return append(out,
		"α_t = √(w₊w₋): GF keeps α; SGF shrinks it and lands nearer min-ℓ₁ (┈┈) than the GF limit (╌╌). β̂: the limit predicted from the current state.",
		st.Live.Render(liveGlyph)+" live: applies at the next step ("+markerGlyph+" on the time axis)   "+
			st.Restart.Render(restartMark)+" restart")
}

// runsBase reports whether s shows a run of base (plain or a variant).
func runsBase(s *live.Snapshot, base sim.Algo) bool {
	for _, r := range s.Enabled() {
		if r.Algo.Base() == base {
			return true
		}
	}
	return false
}

// keyColumns renders every key of the help in the most columns (up to
// three) that fit width.
func (m *Model) keyColumns(width int) string {
	var all []key.Binding
	for _, col := range m.fullHelpColumns() {
		for _, b := range col {
			if b.Enabled() && b.Help().Key != "" {
				all = append(all, b)
			}
		}
	}
	full := m.help
	full.ShowAll = true
	full.Width = 0 // never cut: the columns are chosen to fit
	var out string
	for n := 3; n >= 1; n-- {
		per := (len(all) + n - 1) / n
		var cols [][]key.Binding
		for i := 0; i < len(all); i += per {
			cols = append(cols, all[i:min(i+per, len(all))])
		}
		out = full.FullHelpView(cols)
		if lipgloss.Width(out) <= width {
			break
		}
	}
	return out
}

func runKey(c *Common, a sim.Algo, da string, b sim.Algo, db string) string {
	return glyphText(c, a) + " " + da + "   " + glyphText(c, b) + " " + db
}

func glyphText(c *Common, a sim.Algo) string {
	return c.AlgoStyle(a).Render(c.Glyph(a).Horizontal + c.Glyph(a).Horizontal + " " + algoLabel(a))
}
