// Package ui is the interactive explorer of sgdbias: a bubbletea program
// that shows GF, SGF, GD and SGD side by side on one time axis, with the
// theory's levels and predicted limits beside them, and lets the user change
// the parameters live.
//
// It renders and never does numerics: every number comes from a published
// live.Snapshot, and every change goes to the simulation as a live.Command.
// The layout follows soft-serve's: one root Model routes messages; styles
// (built from a *lipgloss.Renderer) and the KeyMap travel in a Common value
// passed to every component; each component resizes through SetSize.
package ui

import (
	"github.com/charmbracelet/lipgloss"

	"sgdbias/sim/live"
)

// Engine is the simulation the explorer shows: a *live.Runner, or any other
// source of snapshots (a shared stage that viewers follow).
type Engine interface {
	// Snapshot returns the latest published snapshot; it never blocks.
	Snapshot() *live.Snapshot
	// Send queues a command without blocking; false when it was dropped.
	Send(live.Command) bool
}

// Common is what every component of one session shares.
type Common struct {
	Width, Height int
	Styles        *Styles
	Keys          *KeyMap
	Renderer      *lipgloss.Renderer
}

// NewCommon builds the shared state of one session from its renderer.
func NewCommon(r *lipgloss.Renderer) Common {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	return Common{Styles: DefaultStyles(r), Keys: DefaultKeyMap(), Renderer: r}
}

// Component is a part of the screen: it is given its size and renders
// exactly that many lines of at most that width.
type Component interface {
	SetSize(width, height int)
	View() string
}
