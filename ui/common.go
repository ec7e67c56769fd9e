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
	"github.com/guptarohit/asciigraph"

	"sgdbias/sim"
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

	// variants are the variant runs of the snapshot shown, in its run
	// order: the i-th takes the i-th spare glyph and colour, so every
	// session following one simulation draws it the same way.
	variants []sim.Algo
}

// setRuns takes the run order of a snapshot.
func (c *Common) setRuns(s *live.Snapshot) {
	c.variants = c.variants[:0]
	for i := range s.Runs {
		if a := s.Runs[i].Algo; a != a.Base() {
			c.variants = append(c.variants, a)
		}
	}
}

// variantIndex is a variant's rank among the snapshot's variants (one past
// the last for a variant it does not know).
func (c *Common) variantIndex(a sim.Algo) int {
	for i, v := range c.variants {
		if v == a {
			return i
		}
	}
	return len(c.variants)
}

// Glyph is the line set of an algorithm's series.
func (c *Common) Glyph(a sim.Algo) asciigraph.CharSet {
	if a != a.Base() {
		return variantGlyph(c.variantIndex(a))
	}
	return algoGlyph(a)
}

// AlgoStyle is the style of an algorithm's name and values.
func (c *Common) AlgoStyle(a sim.Algo) lipgloss.Style {
	st := c.Styles
	if a != a.Base() {
		return st.variant[c.variantIndex(a)%len(st.variant)]
	}
	if s, ok := st.algo[a]; ok {
		return s
	}
	return st.Value
}

// chartColor is the raw colour asciigraph draws a series with; ok is false
// in monochrome, where no colour code may be written.
func (c *Common) chartColor(a sim.Algo) (asciigraph.AnsiColor, bool) {
	st := c.Styles
	if a != a.Base() {
		return st.variantColor[c.variantIndex(a)%len(st.variantColor)], st.Color
	}
	col, ok := st.algoColor[a]
	return col, ok && st.Color
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
