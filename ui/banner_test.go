package ui

import (
	"strings"
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/live"
)

// The banner names how each shown run stopped and the hint that fits it:
// none about γ for GF, the noise for SGF.
func TestBannerStatusAndHints(t *testing.T) {
	c := NewCommon(nil)
	snap := &live.Snapshot{Runs: []live.Run{
		{Algo: sim.GF, Enabled: true, Diverged: &live.Divergence{Status: sim.StatusFailed, Step: 7, Gamma: 0.08}},
		{Algo: sim.SGF, Enabled: true, Diverged: &live.Divergence{Status: sim.StatusCollapsed, Step: 672, Gamma: 0.08,
			Hint: "likely cause: noise 0.3 too large; noise ≈ 0.077 should train"}},
	}}
	b := &Banner{common: &c, width: 400, snap: snap}
	view := b.View()
	for _, want := range []string{"GF failed at step 7", "SGF collapsed at step 672 (γ 0.08)", "noise ≈ 0.077"} {
		if !strings.Contains(view, want) {
			t.Errorf("banner %q lacks %q", view, want)
		}
	}
	if strings.Contains(view, "GF failed at step 7 (γ") {
		t.Errorf("GF has no step: %q", view)
	}
}

// At 80 and 70 columns the banner wraps instead of cutting its hint: the
// noise that should train is read in full, every row fits the width.
func TestBannerWrapsNotCuts(t *testing.T) {
	c := NewCommon(nil)
	snap := &live.Snapshot{Runs: []live.Run{
		{Algo: sim.SGF, Enabled: true, Diverged: &live.Divergence{Status: sim.StatusDiverged, Step: 672, Gamma: 0.08,
			Hint: "likely cause: noise 0.3 too large; noise ≈ 0.077 should train"}},
		{Algo: sim.SGD, Enabled: true, Diverged: &live.Divergence{Status: sim.StatusDiverged, Step: 38, Gamma: 0.005,
			Hint: "stable γ ≈ 0.00152 by 2/sharpness (an estimate of the largest stable step)"}},
	}}
	for _, w := range []int{80, 70, 40} {
		b := &Banner{common: &c, width: w, snap: snap}
		view := b.View()
		lines := strings.Split(view, "\n")
		if len(lines) != b.Lines() || len(lines) > maxBannerLines {
			t.Errorf("width %d: %d lines, Lines() %d", w, len(lines), b.Lines())
		}
		for _, l := range lines {
			if widthOf(l) != w {
				t.Errorf("width %d: row %q is %d wide", w, l, widthOf(l))
			}
		}
		flat := strings.Join(strings.Fields(view), " ")
		if w >= 70 {
			for _, want := range []string{"noise ≈ 0.077 should train", "stable γ ≈ 0.00152 by 2/sharpness", "r restarts"} {
				if !strings.Contains(flat, want) {
					t.Errorf("width %d: banner lacks %q:\n%s", w, want, view)
				}
			}
			if strings.Contains(view, "…") {
				t.Errorf("width %d: banner cut:\n%s", w, view)
			}
		}
	}
}

// Given fewer rows the banner takes a terser form that still says
// everything, the remarks in parentheses left out, and only cuts (with
// "…") when even that does not fit; FitsIn says which.
func TestBannerTerserWhenShort(t *testing.T) {
	c := NewCommon(nil)
	snap := &live.Snapshot{Runs: []live.Run{
		{Algo: sim.GD, Enabled: true, Diverged: &live.Divergence{Status: sim.StatusDiverged, Step: 5, Gamma: 0.05,
			Hint: "stable γ ≈ 0.00969 by 2/sharpness (an estimate; larger γ may still train)"}},
	}}
	b := &Banner{common: &c, snap: snap}
	b.SetSize(80, maxBannerLines)
	if b.Lines() != 2 || !strings.Contains(b.View(), "larger γ may still train") {
		t.Fatalf("with room, the full form in 2 rows: %d rows\n%s", b.Lines(), b.View())
	}
	if !b.FitsIn(1) {
		t.Fatal("the terse form fits one row of 80")
	}
	b.SetSize(80, 1)
	view := b.View()
	for _, want := range []string{"GD diverged at step 5", "stable γ ≈ 0.00969 by 2/sharpness", "r restarts"} {
		if !strings.Contains(view, want) {
			t.Errorf("one row lacks %q: %s", want, view)
		}
	}
	if b.Lines() != 1 || strings.Contains(view, "estimate") || strings.Contains(view, "…") {
		t.Errorf("one row, terse, not cut: %d rows %q", b.Lines(), view)
	}
	b.SetSize(40, 1)
	if b.FitsIn(1) || b.Lines() != 1 || !strings.Contains(b.View(), "…") {
		t.Errorf("at 40 columns one row must be cut, and FitsIn(1) say so: %q", b.View())
	}
}
