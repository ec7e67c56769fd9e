package server

import (
	"fmt"
	"strings"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"

	"sgdbias/ui"
)

// The presenter's tools, on top of the explorer's keys: the room sees which
// parameter the presenter has selected and a one-line message the
// presenter types (m), and B brings every student on their own copy back
// to the stage.

const maxMessage = 120

// presenterKey handles a presenter's key the explorer does not have; done
// reports that it was taken.
func (m *model) presenterKey(k tea.KeyMsg) (cmd tea.Cmd, done bool) {
	if m.typing != nil {
		return m.messageKey(k), true
	}
	if m.Model.Typing() || k.Type != tea.KeyRunes || len(k.Runes) != 1 {
		return nil, false
	}
	switch k.Runes[0] {
	case 'm':
		m.typing = []rune{}
		m.prompt()
		return nil, true
	case 'B':
		n := m.st.srv.bringBack()
		m.Model.Update(ui.NoticeMsg{Text: fmt.Sprintf("brought %s back to the stage", plural(n, "student", "students"))})
		return nil, true
	}
	return nil, false
}

// messageKey edits the message: enter sends it (empty: clears it), esc
// cancels.
func (m *model) messageKey(k tea.KeyMsg) tea.Cmd {
	switch k.Type {
	case tea.KeyEnter:
		text := strings.TrimSpace(string(m.typing))
		m.typing = nil
		m.st.srv.stage.setMessage(text)
		if text == "" {
			m.Model.Update(ui.NoticeMsg{Text: "message to the room cleared"})
		} else {
			m.Model.Update(ui.NoticeMsg{Text: "the room reads: " + text})
		}
		return nil
	case tea.KeyEsc:
		m.typing = nil
		m.Model.Update(ui.NoticeMsg{Text: "message cancelled"})
		return nil
	case tea.KeyCtrlC:
		return tea.Quit
	case tea.KeyBackspace:
		if len(m.typing) > 0 {
			m.typing = m.typing[:len(m.typing)-1]
		}
	case tea.KeyCtrlU:
		m.typing = m.typing[:0]
	case tea.KeyRunes, tea.KeySpace:
		for _, r := range k.Runes {
			if len(m.typing) < maxMessage && unicode.IsPrint(r) {
				m.typing = append(m.typing, r)
			}
		}
	}
	m.prompt()
	return nil
}

func (m *model) prompt() {
	m.Model.Update(ui.NoticeMsg{Text: "message to the room: " + string(m.typing) + "▏ (enter: send, esc: cancel)"})
}

// bringBack makes every follower on its own copy follow the stage again;
// it returns how many were told.
func (s *Server) bringBack() int {
	n := 0
	s.mu.Lock()
	for st := range s.sessions {
		if st.role == roleFollower && !st.following.Load() {
			if p := st.prog.Load(); p != nil {
				n++
				go p.Send(followMsg{})
			}
		}
	}
	s.mu.Unlock()
	if n > 0 {
		s.log.Info("presenter brought the room back", "sessions", n)
	}
	return n
}

// followMsg tells a follower's explorer to follow the stage again.
type followMsg struct{}

// followerStatus is a follower's note on the presenter.
func (s *Server) followerStatus() string {
	st := s.stage
	if st.presenters.Load() == 0 {
		return "presenter offline"
	}
	text := "presenter on " + st.selectedParam()
	if msg := st.message(); msg != "" {
		text += " · “" + msg + "”"
	}
	return text
}
