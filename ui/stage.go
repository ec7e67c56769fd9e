package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"sgdbias/sim/live"
)

// Following a stage: the session shows the presenter's runs read-only
// until f forks a private copy (a new engine started from the stage's
// current state); F drops the copy and follows again.

// hasModeLine reports whether the line under the parameters that says
// whose runs these are is shown.
func (m *Model) hasModeLine() bool { return m.opt.Stage != nil || m.opt.Status != nil }

// modeLine renders that line.
func (m *Model) modeLine() string {
	st := m.common.Styles
	w := m.common.Width
	var text string
	style := st.Notice
	switch {
	case m.following && m.forking:
		text = "◉ following the presenter · making your own copy…"
		style = st.Follow
	case m.following:
		text = "◉ following the presenter · read-only · f: your own copy"
		style = st.Follow
	case m.opt.Stage != nil:
		text = "◎ your own copy, forked at t " + formatClock(m.forkedAt) + " · F: follow the presenter again"
	default:
		text = "▶ presenting"
	}
	if m.opt.Status != nil {
		if extra := m.opt.Status(); extra != "" {
			text += " · " + extra
		}
	}
	return style.Render(padRight(truncate(text, w), w))
}

// fork starts making a private copy of the stage.
func (m *Model) fork() tea.Cmd {
	switch {
	case m.opt.Stage == nil:
		return nil
	case m.forking:
		return nil
	case !m.following:
		m.notify("this is already your own copy; F follows the presenter again", false)
		return nil
	}
	m.forking = true
	stage := m.opt.Stage
	return func() tea.Msg {
		e, err := stage.Fork()
		return forkedMsg{eng: e, err: err}
	}
}

// forked switches to the private copy.
func (m *Model) forked(msg forkedMsg) tea.Cmd {
	m.forking = false
	if msg.err != nil {
		m.notify("could not make your own copy: "+msg.err.Error(), true)
		return nil
	}
	if !m.following || m.quitting { // F or q came first
		stage := m.opt.Stage
		return func() tea.Msg { stage.Drop(msg.eng); return nil }
	}
	m.following, m.private = false, msg.eng
	m.setEngine(msg.eng)
	if m.snap != nil {
		m.forkedAt = m.snap.Time
	}
	m.notify("your own copy: every key works; F follows the presenter again", false)
	return m.rearm(tickKey)
}

// follow drops the private copy and follows the stage again.
func (m *Model) follow() tea.Cmd {
	if m.opt.Stage == nil || m.following {
		return nil
	}
	old := m.private
	m.following, m.private = true, nil
	m.params.editing = false
	m.setEngine(m.opt.Stage)
	m.notify("following the presenter again", false)
	stage := m.opt.Stage
	return tea.Batch(m.rearm(tickKey), func() tea.Msg {
		if old != nil {
			stage.Drop(old)
		}
		return nil
	})
}

// setEngine shows another engine: everything derived from the old one's
// snapshots is dropped.
func (m *Model) setEngine(e Engine) {
	m.eng = e
	m.snap = nil
	m.sent = 0
	m.save.want = 0 // a save under way takes the new engine's scenario
	m.gen, m.noticeSeq, m.lastMarker = 0, 0, live.Marker{}
	for _, c := range m.charts {
		c.key = chartKey{}
	}
	m.gridKey = [4]int{}
	if s := e.Snapshot(); s != nil {
		m.take(s)
	}
	m.layout()
}

// fullHelpColumns are the help overlay's keys: the keymap's, plus f and F
// when there is a stage to follow.
func (m *Model) fullHelpColumns() [][]key.Binding {
	if m.opt.Stage != nil {
		return stageHelp{m.common.Keys}.FullHelp()
	}
	return m.common.Keys.FullHelp()
}
