package ui

import (
	"sgdbias/sim/live"
)

// Level is a horizontal line on a chart: a value of the theory the runs
// are compared with.
type Level struct {
	Value float64 // in the metric's units (not log₁₀)
	Glyph string  // one cell, repeated along the line
	Label string  // named in the table beside the runs' values
	// Optional levels are drawn only near the data (see dropFarLevels).
	Optional bool
}

// LevelSource gives the levels of the chart of metric m for a snapshot.
// Every chart draws the levels of every source of levelSources, bottom
// first; an overlay of more theory is one more source there.
type LevelSource func(s *live.Snapshot, m live.Metric) []Level

// levelSources are the explorer's overlays.
func levelSources() []LevelSource {
	return []LevelSource{referenceLevels}
}

// chartLevels collects the levels of metric m from every source.
func chartLevels(s *live.Snapshot, m live.Metric) []Level {
	var out []Level
	for _, src := range levelSources() {
		out = append(out, src(s, m)...)
	}
	return out
}

// referenceLevels are the interpolators' ‖β‖₁ (theory.md §4): the GF limit
// argmin φ_α, the minimum-ℓ₁ one (α → 0) and the minimum-ℓ₂ one (α → ∞),
// and with label noise the Lasso solution (§6), all solved by the
// simulator.
func referenceLevels(s *live.Snapshot, m live.Metric) []Level {
	if m != live.L1 {
		return nil
	}
	f := s.Refs
	var out []Level
	if f.HasMinL2 {
		out = append(out, Level{Value: f.MinL2, Glyph: glyphMinL2, Label: "min-ℓ₂", Optional: true})
	}
	if f.HasGFLimit {
		out = append(out, Level{Value: f.GFLimitL1, Glyph: glyphGFLimit, Label: "GF limit"})
	}
	if f.HasMinL1 {
		out = append(out, Level{Value: f.MinL1, Glyph: glyphMinL1, Label: "min-ℓ₁"})
	}
	if f.HasLasso {
		out = append(out, Level{Value: f.LassoL1, Glyph: glyphLasso, Label: "Lasso"})
	}
	return out
}
