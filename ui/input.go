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

// field is a text field opened on an offered value (the parameter's current
// value, the default file name): the first character typed replaces the
// offer, as in a selected text box, so typing "0.04" on γ = 0.08 gives
// 0.04 rather than "0.080.04". Any editing key first (backspace, arrows)
// keeps the offer and edits it.
type field struct {
	textinput.Model
	offered bool
}

// newField opens a field on the offered value, cursor at its end.
func newField(c *Common, limit int, offer string) field {
	in := newInput(c, limit)
	in.SetValue(offer)
	in.CursorEnd()
	return field{Model: in, offered: offer != ""}
}

// typeKey passes a key to the field (see typeInto); a printable first
// character replaces the offered value.
func (f *field) typeKey(msg tea.KeyMsg) {
	if f.offered && (msg.Type == tea.KeySpace || msg.Type == tea.KeyRunes && printable(msg.Runes)) {
		f.SetValue("")
	}
	f.offered = false
	typeInto(&f.Model, msg)
}

// printable reports whether runes holds a character typeInto keeps.
func printable(runes []rune) bool {
	for _, r := range runes {
		if r >= ' ' && r < 0x7f {
			return true
		}
	}
	return false
}
