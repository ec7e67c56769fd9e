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
