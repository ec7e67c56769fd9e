package ui

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// newInput is a one-line text field in the session's styles: a steady
// cursor (no blink ticks to route), at most limit characters, printable
// ASCII only (numbers, seeds and file names).
func newInput(c *Common, limit int) textinput.Model {
	st := c.Styles
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = limit
	in.TextStyle = st.Value
	in.PromptStyle = st.Title
	in.Cursor.Style = st.Renderer.NewStyle().Reverse(true)
	in.Cursor.TextStyle = st.Value
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Focus()
	return in
}

// typeInto passes a key to a text field, dropping characters outside
// printable ASCII (control codes and escape sequences never reach a value).
func typeInto(in *textinput.Model, msg tea.KeyMsg) {
	if msg.Type == tea.KeyRunes {
		kept := msg.Runes[:0:0]
		for _, r := range msg.Runes {
			if r >= ' ' && r < 0x7f {
				kept = append(kept, r)
			}
		}
		if len(kept) == 0 {
			return
		}
		msg.Runes = kept
	}
	*in, _ = in.Update(msg)
}
