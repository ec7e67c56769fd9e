package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"

	"sgdbias/sim"
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
	if m.bannerOn {
		parts = append(parts, m.banner.View())
	}
	status := m.status.View()
	if m.save.active() {
		status = m.save.view(m.common.Styles, m.common.Width)
	}
	parts = append(parts, m.grid(), m.legend.View(), m.strip.View(), status, m.footer())
	return strings.Join(parts, "\n")
}

// grid joins the four cached charts two by two; the join itself is cached.
func (m *Model) grid() string {
	var key [4]int
	for i, c := range m.charts {
		key[i] = c.plots*1_000_000 + c.width*1000 + c.height
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
	return m.gridCache
}

// footer is the one-line key hint; "? help" and "q quit" always show, the
// rest is cut to the width.
func (m *Model) footer() string {
	k := m.common.Keys
	if m.params.Editing() {
		return m.help.ShortHelpView(k.editHelp())
	}
	if m.save.active() {
		return m.help.ShortHelpView(m.save.help(k))
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

func (m *Model) tooSmallView() string {
	st := m.common.Styles
	w, h := m.common.Width, m.common.Height
	msg := st.Title.Render("enlarge the terminal") + "\n" +
		fmt.Sprintf("sgdbias needs at least %d×%d; this one is %d×%d.", MinWidth, MinHeight, w, h) + "\n" +
		st.Dim.Render("q quits")
	return m.common.Renderer.Place(w, h, lipgloss.Center, lipgloss.Center, msg)
}

// helpView is the full help overlay.
func (m *Model) helpView() string {
	st := m.common.Styles
	w, h := m.common.Width, m.common.Height
	inner := min(w-4, 96)
	full := m.help
	full.ShowAll = true
	full.Width = inner
	text := []string{
		st.HelpTitle.Render("sgdbias — implicit bias of (S)GD on diagonal linear networks"),
		"β = w₊⊙w₊ − w₋⊙w₋, w±(0) = α (seed paper's convention), loss ‖Xβ−y‖²/(4n)",
		runKey(&m.common, sim.GF, "gradient flow          ", sim.SGF, "stochastic gradient flow"),
		runKey(&m.common, sim.GD, "gradient descent, γ    ", sim.SGD, "stochastic GD, γ, batch b"),
		"α_t = √(w₊w₋): GF keeps α; SGF shrinks it and lands nearer min-ℓ₁ (┈┈)",
		"than the GF limit (╌╌). β̂: the limit predicted from the current state.",
		st.Live.Render(liveGlyph) + " live: applies at the next step (" + markerGlyph + " on the time axis)   " +
			st.Restart.Render(restartMark) + " restart",
		"",
		m.fullHelp(full),
		"",
		st.Dim.Render("? or esc closes this help · q quits"),
	}
	box := st.HelpBox.Width(inner).Render(strings.Join(text, "\n"))
	return m.common.Renderer.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

func runKey(c *Common, a sim.Algo, da string, b sim.Algo, db string) string {
	return glyphText(c, a) + " " + da + "   " + glyphText(c, b) + " " + db
}

func glyphText(c *Common, a sim.Algo) string {
	return c.AlgoStyle(a).Render(c.Glyph(a).Horizontal + c.Glyph(a).Horizontal + " " + algoLabel(a))
}
