package ui

import (
	"context"
	"errors"

	tea "github.com/charmbracelet/bubbletea"

	"sgdbias/sim/live"
)

// Run shows the explorer on eng in the terminal until the user quits or
// ctx ends, and restores the terminal. It does not stop eng: its owner
// does (several sessions may follow one engine).
func Run(ctx context.Context, eng Engine, opt Options, extra ...tea.ProgramOption) (*Model, error) {
	m := New(eng, opt)
	opts := append([]tea.ProgramOption{tea.WithAltScreen(), tea.WithFPS(30), tea.WithContext(ctx)}, extra...)
	p := tea.NewProgram(m, opts...)
	final, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		err = nil // interrupted: the terminal is restored all the same
	}
	if fm, ok := final.(*Model); ok {
		m = fm
	}
	return m, err
}

// LastSnapshot returns the last snapshot the model showed (nil before the
// first).
func (m *Model) LastSnapshot() *live.Snapshot { return m.snap }

// Sent is the count of commands the model sent that the engine accepted:
// a snapshot whose Applied is at least Sent shows every change made.
func (m *Model) Sent() uint64 { return m.sent }
