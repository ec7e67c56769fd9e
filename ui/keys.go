package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"sgdbias/sim/live"
)

// Key handling: every key goes through the session's KeyMap with
// key.Matches; what a key does to the simulation is a live.Command.

// readOnly reports whether the keys that change the simulation are off.
func (m *Model) readOnly() bool { return m.opt.ReadOnly || m.following }

// send passes a command to the runner.
func (m *Model) send(c live.Command) tea.Cmd {
	if m.readOnly() {
		text := "read-only: the presenter drives the simulation"
		if m.following {
			text = "read-only: the presenter drives; f makes your own copy"
		}
		m.notify(text, true)
		return nil
	}
	if !m.eng.Send(c) {
		m.notify("the simulation is busy; the command was dropped", true)
		return nil
	}
	m.sent++
	return m.rearm(tickKey)
}

// key handles a key press.
func (m *Model) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.common.Keys
	if key.Matches(msg, k.Interrupt) {
		m.quitting = true
		return m, tea.Quit
	}
	if m.tooSmall {
		// Nothing else acts unseen while the screen asks to be enlarged.
		if key.Matches(msg, k.Quit) {
			m.quitting = true
			return m, tea.Quit
		}
		return m, nil
	}
	if m.params.Editing() {
		sel, before := m.params.sel, m.params.vals
		if c, ok := m.params.EditKey(msg); ok {
			m.pushUndo(sel, before)
			return m, m.send(c)
		}
		return m, nil
	}
	if m.save.active() {
		return m, m.saveKey(msg)
	}
	if m.picker.Active() {
		if c, ok := m.picker.Key(msg); ok {
			return m, m.send(c)
		}
		return m, nil
	}
	if m.showHelp {
		switch {
		case key.Matches(msg, k.Quit):
			m.quitting = true
			return m, tea.Quit
		case key.Matches(msg, k.Help), key.Matches(msg, k.Cancel):
			m.showHelp = false
		}
		return m, nil
	}
	m.params.ClearMessage()
	if cmd, ok := m.viewKey(msg); ok {
		return m, cmd
	}
	switch {
	case key.Matches(msg, k.Quit):
		m.quitting = true
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp = true
	case key.Matches(msg, k.Pause):
		return m, m.send(live.TogglePause())
	case key.Matches(msg, k.Step):
		return m, m.send(live.Step(1))
	case key.Matches(msg, k.Restart):
		return m, m.send(live.Restart())
	case key.Matches(msg, k.NewSeed):
		return m, m.send(live.NextSeed())
	case key.Matches(msg, k.Faster), key.Matches(msg, k.Slower):
		next := live.FasterSpeed(m.speed)
		if key.Matches(msg, k.Slower) {
			next = live.SlowerSpeed(m.speed)
		}
		cmd := m.send(live.SetSpeed(next))
		if cmd != nil {
			m.speed = next
			m.header.speed = next
		}
		return m, cmd
	case key.Matches(msg, k.Next), key.Matches(msg, k.Down):
		m.params.Move(1)
	case key.Matches(msg, k.Prev), key.Matches(msg, k.Up):
		m.params.Move(-1)
	case key.Matches(msg, k.Increase), key.Matches(msg, k.Decrease):
		dir := 1
		if key.Matches(msg, k.Decrease) {
			dir = -1
		}
		if m.readOnly() {
			return m, m.send(live.Command{})
		}
		sel, before := m.params.sel, m.params.vals
		if c, ok := m.params.Scale(dir); ok {
			m.pushUndo(sel, before)
			return m, m.send(c)
		}
	case key.Matches(msg, k.Edit):
		if m.readOnly() {
			return m, m.send(live.Command{})
		}
		m.params.StartEdit()
	case key.Matches(msg, k.Discrete):
		return m, m.send(live.ToggleDiscrete())
	case key.Matches(msg, k.LogTime):
		m.logTime = !m.logTime
		m.timeChosen = true
		m.updateCharts()
	case key.Matches(msg, k.Focus):
		m.strip.CycleFocus()
	case key.Matches(msg, k.Export):
		if m.opt.NoExport != "" {
			m.notify(m.opt.NoExport, true)
			return m, nil
		}
		if m.snap != nil {
			return m, exportCmd(m.snap, m.opt.ExportDir, m.opt.Now(), m.writer())
		}
	case key.Matches(msg, k.Save):
		if m.opt.NoExport != "" {
			m.notify(m.opt.NoExport, true)
			return m, nil
		}
		if m.snap != nil {
			m.save.start(&m.common, m.snap, m.sent)
			m.save.writeFile = m.writer()
		}
	case key.Matches(msg, k.Presets):
		if m.readOnly() {
			return m, m.send(live.Command{}) // says why it is refused
		}
		current := ""
		if m.snap != nil {
			current = m.snap.Scenario.Name
		}
		m.picker.Open(current)
	case key.Matches(msg, k.Fork):
		return m, m.fork()
	case key.Matches(msg, k.Follow):
		return m, m.follow()
	}
	return m, nil
}

// viewKey handles the keys of the views and of comparing: zoom, α_t per
// coordinate, ghosts, undo and variants; ok is false for other keys.
func (m *Model) viewKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := m.common.Keys
	switch {
	case key.Matches(msg, k.Zoom):
		m.zoom = (m.zoom + 1) % (len(m.charts) + 1)
		m.layout()
	case key.Matches(msg, k.Alphas):
		m.alphaView = !m.alphaView
		m.layout()
	case key.Matches(msg, k.Ghosts):
		m.clearGhosts()
	case key.Matches(msg, k.Undo):
		if m.readOnly() {
			return m.send(live.Command{}), true
		}
		if c, ok := m.undoLast(); ok {
			m.notice.sticky = true
			return m.send(c), true
		}
	case key.Matches(msg, k.Variant):
		if m.readOnly() {
			return m.send(live.Command{}), true
		}
		sel := m.params.sel
		if _, _, ok := m.variantPin(sel); !ok {
			return nil, true
		}
		if m.snap.Applied < m.sent {
			// The variant reloads the scenario: taken from a snapshot that
			// misses a change just sent (→ then m), it would undo it.
			m.variantFor = &sel
			return nil, true
		}
		return m.variant(sel), true
	default:
		return nil, false
	}
	return nil, true
}

// variant sends the toggle of the variant pinning sel (see toggleVariant).
func (m *Model) variant(sel paramID) tea.Cmd {
	c, ok := m.toggleVariant(sel)
	if !ok {
		return nil
	}
	return m.send(c)
}

// flushVariant sends a variant asked for before the commands sent ahead of
// it were applied, once the snapshot shows them.
func (m *Model) flushVariant() tea.Cmd {
	if m.variantFor == nil || m.snap == nil || m.snap.Applied < m.sent {
		return nil
	}
	sel := *m.variantFor
	m.variantFor = nil
	return m.variant(sel)
}
