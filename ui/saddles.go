package ui

import (
	"fmt"
	"strings"

	"github.com/guptarohit/asciigraph"

	"sgdbias/sim/live"
)

// The saddle-to-saddle overlay (theory.md §9): for small α the loss and
// ‖β‖₁ charts show the predicted plateaus as dotted levels across the chart,
// with a tick on the time axis at every predicted jump t_k; the strip shows the current saddle next to the runs.
// The runner computes the schedule and maps it onto the axis
// (live.Staircase); this file only draws.

// jumpGlyph marks a predicted jump t_k on the time axis.
const jumpGlyph = "┴"

// glyphSaddle draws the predicted plateaus; never written after start-up.
var glyphSaddle = asciigraph.CreateCharSet("·")

// staircaseSeries are the predicted plateau levels of the chart's metric
// as flat dotted lines, if the snapshot has a staircase and the metric has
// plateaus.
func (c *Chart) staircaseSeries(s *live.Snapshot, cols int) []plotSeries {
	levels, ok := s.Refs.Staircase.Plateaus(c.metric)
	if !ok {
		return nil
	}
	col := asciigraph.Default
	if c.common.Styles.Color {
		col = c.common.Styles.refColor
	}
	out := make([]plotSeries, 0, len(levels))
	for _, v := range levels {
		f := flat(v, cols)
		out = append(out, plotSeries{lo: f, hi: f, glyph: glyphSaddle, color: col, ref: true})
	}
	return out
}

// staircaseJumps marks the columns of the predicted jumps on the loss and
// ‖β‖₁ charts.
func (c *Chart) staircaseJumps(s *live.Snapshot, ax live.Axis, cols int) []bool {
	if c.metric != live.Loss && c.metric != live.L1 {
		return nil
	}
	cs := s.Refs.Staircase.JumpColumns(ax, cols)
	if len(cs) == 0 {
		return nil
	}
	out := make([]bool, cols)
	for _, col := range cs {
		out[col] = true
	}
	return out
}

// saddleRow is the strip's row of the saddle the prediction sits on at the
// clock's time, on the strip's coordinates: "saddle 2/4" and its β^k.
func (s *Strip) saddleRow(labelW, ncol int) (string, bool) {
	st := s.snap.Refs.Staircase
	if st == nil {
		return "", false
	}
	k := st.At(s.snap.Time)
	beta := st.Saddles[k].Beta
	vals := make([]float64, ncol)
	for i, j := range s.snap.Coords[:ncol] {
		if j < len(beta) {
			vals[i] = beta[j]
		}
	}
	label := s.common.Styles.Ref.Render(fmt.Sprintf("saddle %d/%d", k, len(st.Saddles)-1))
	return s.row(label, labelW, vals, s.snap.StarTop), true
}

// staircaseLegend is the legend's entry for the overlay, empty without one.
func staircaseLegend(s *live.Snapshot) string {
	if s == nil || s.Refs.Staircase == nil {
		return ""
	}
	return strings.Join([]string{"·", "saddles", jumpGlyph, "t_k"}, " ")
}
