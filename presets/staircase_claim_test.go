package presets_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sgdbias/presets"
	"sgdbias/sim"
)

// TestSaddleToSaddleQuotesItsSchedule checks the ‖β‖₁ staircase that the
// saddle-to-saddle description quotes ("climb 8.9 → 12.0 → 14.2 → 15")
// against the schedule solved on the preset's own data (its seed is fixed,
// so these are the numbers the explorer draws, not one draw of many), and
// that the last saddle's ‖β‖₁ is the minimum-ℓ₁ interpolator's.
func TestSaddleToSaddleQuotesItsSchedule(t *testing.T) {
	sc, err := presets.Get("saddle-to-saddle")
	if err != nil {
		t.Fatal(err)
	}
	quoted := regexp.MustCompile(`climb ([0-9.]+(?: → [0-9.]+)+)`).FindStringSubmatch(sc.About)
	if quoted == nil {
		t.Fatalf("the description quotes no ‖β‖₁ climb: %q", sc.About)
	}
	setup, err := presets.SetupOf(sc)
	if err != nil {
		t.Fatal(err)
	}
	p, err := setup.Problem()
	if err != nil {
		t.Fatal(err)
	}
	refs := sim.SolveReferences(context.Background(), p, sim.Init{}, sim.RefSaddles|sim.RefMinL1)
	if err := refs.Err(); err != nil {
		t.Fatal(err)
	}
	saddles := refs.Saddles.Saddles[1:] // the origin is not a plateau the description quotes
	levels := strings.Split(quoted[1], " → ")
	if len(levels) != len(saddles) {
		t.Fatalf("the description quotes %d levels, the schedule has %d saddles", len(levels), len(saddles))
	}
	for k, text := range levels {
		decimals := 0
		if i := strings.IndexByte(text, '.'); i >= 0 {
			decimals = len(text) - i - 1
		}
		if got := strconv.FormatFloat(saddles[k].L1, 'f', decimals, 64); got != text {
			t.Errorf("saddle %d: ‖β‖₁ = %.4f, which reads %s, but the description says %s", k+1, saddles[k].L1, got, text)
		}
	}
	var l1 float64
	for _, b := range refs.MinL1 {
		l1 += max(b, -b)
	}
	if last := saddles[len(saddles)-1].L1; fmt.Sprintf("%.6g", last) != fmt.Sprintf("%.6g", l1) {
		t.Errorf("last saddle ‖β‖₁ %.9g, min-ℓ₁ %.9g", last, l1)
	}
}
