package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"sgdbias/presets"
	"sgdbias/sim/live"
)

// Picker is the preset picker (key p): the named scenarios with their
// titles, the highlighted one's description below, enter to load it.
type Picker struct {
	common    *Common
	scenarios []presets.Scenario
	sel       int
	open      bool
	msg       string
}

// NewPicker reads the embedded presets once.
func NewPicker(c *Common) *Picker {
	p := &Picker{common: c}
	for _, name := range presets.Names() {
		if sc, err := presets.Get(name); err == nil {
			p.scenarios = append(p.scenarios, sc)
		}
	}
	return p
}

// Open shows the list with the current scenario highlighted.
func (p *Picker) Open(current string) {
	p.open, p.msg = true, ""
	for i, sc := range p.scenarios {
		if sc.Name == current {
			p.sel = i
		}
	}
}

// Active reports whether the picker is shown.
func (p *Picker) Active() bool { return p.open }

// Key handles a key while the picker is open; ok is true with the command
// that loads the chosen scenario.
func (p *Picker) Key(msg tea.KeyMsg) (live.Command, bool) {
	k := p.common.Keys
	switch {
	case key.Matches(msg, k.Cancel), key.Matches(msg, k.Presets), key.Matches(msg, k.Quit):
		p.open = false
	case key.Matches(msg, k.Up), key.Matches(msg, k.Prev):
		p.sel = (p.sel + len(p.scenarios) - 1) % len(p.scenarios)
	case key.Matches(msg, k.Down), key.Matches(msg, k.Next):
		p.sel = (p.sel + 1) % len(p.scenarios)
	case key.Matches(msg, k.Accept):
		sc, err := liveScenario(p.scenarios[p.sel])
		if err != nil {
			p.msg = paramMessage(err)
			return live.Command{}, false
		}
		p.open = false
		return live.LoadScenario(sc), true
	}
	return live.Command{}, false
}

// View renders the picker as a box of at most width×height cells.
func (p *Picker) View(width, height int) string {
	st := p.common.Styles
	inner := min(width-4, 96) // the box's width inside its border
	text := inner - 2         // inside the box's padding
	lines := []string{ansi.Truncate(st.HelpTitle.Render("scenarios")+st.Dim.Render("  ↑/↓ choose · enter load (runs restart) · esc close"), text, "…"), ""}
	for i, sc := range p.scenarios {
		line := ansi.Truncate(fmt.Sprintf("%-18s %s", sc.Name, sc.Title), text-1, "…")
		if i == p.sel {
			lines = append(lines, "▸"+st.Selected.Render(line))
		} else {
			lines = append(lines, " "+line)
		}
	}
	lines = append(lines, "")
	chosen := p.scenarios[p.sel]
	about := strings.Split(ansi.Wordwrap(chosen.About, text, ""), "\n")
	if ansi.StringWidth(fmt.Sprintf("%-18s %s", chosen.Name, chosen.Title)) > text-1 {
		// The list cut the chosen title: it is read in full above its description.
		title := strings.Split(ansi.Wordwrap(st.Title.Render(chosen.Title), text, ""), "\n")
		about = append(title, about...)
	}
	room := height - 2 - len(lines) // the border takes two rows
	if p.msg != "" {
		room--
	}
	if room < 1 {
		about = nil
	} else if len(about) > room {
		about = append(about[:room-1], ansi.Truncate(about[room-1], text-1, "")+"…")
	}
	lines = append(lines, about...)
	if p.msg != "" {
		lines = append(lines, ansi.Truncate(st.Error.Render("✗ "+p.msg), text, "…"))
	}
	box := st.HelpBox.Width(inner).Render(strings.Join(lines, "\n"))
	return p.common.Renderer.Place(width, height, lipgloss.Center, lipgloss.Center, box)
}

// liveScenario is the runner's scenario of a preset, completed and checked
// as the command line would (presets.ToSetup).
func liveScenario(sc presets.Scenario) (live.Scenario, error) {
	setup, err := presets.SetupOf(sc)
	if err != nil {
		return live.Scenario{}, err
	}
	return live.Scenario{Setup: setup, Name: sc.Name, Title: sc.Title, About: sc.About}, nil
}
