package ui

import tea "github.com/charmbracelet/bubbletea"

// What a lecture server reads from, and does to, a session's explorer
// (from the program's own goroutine: inside Update).

// Selected is the short name of the selected parameter (γ, noise, α…): the
// presenter's, shown to the room.
func (m *Model) Selected() string { return infoOf(m.params.sel).short }

// Typing reports whether keys go to a prompt now (a value, a file name,
// the preset picker) rather than to the explorer's commands.
func (m *Model) Typing() bool {
	return m.params.Editing() || m.save.active() || m.picker.Active()
}

// Follow drops the private copy and follows the stage again, as F does.
func (m *Model) Follow() tea.Cmd { return m.follow() }
