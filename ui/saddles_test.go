package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"sgdbias/sim"
	"sgdbias/sim/live"
	"sgdbias/sim/problem"
)

// saddleScenario is the saddle-to-saddle preset's setting, fixed here so
// that the goldens only change when the explorer does.
func saddleScenario() live.Scenario {
	return live.Scenario{Setup: sim.Setup{
		Spec: problem.Spec{N: 20, D: 50, Beta: problem.BetaSpec{Kind: "list", Values: []float64{8, -4, 2, 1}},
			Features: problem.FeatureSpec{Kind: "iso"}, Seed: 3},
		Algos: []sim.Algo{sim.GF, sim.SGF}, Alpha: 1e-10, Params: sim.Params{Step: 0.01, Noise: 0.01, Batch: 1}, Seed: 1,
		Horizon: sim.Horizon{Steps: 6000},
	}}
}

// TestStaircaseGolden is the explorer on the saddle-to-saddle staircase,
// at t = 15, between the third predicted jump (t = 9.1) and the last (22.6), in log time: dotted plateaus
// and jump ticks on the loss and ‖β‖₁ charts, the current saddle in the
// strip. Update with go test ./ui -run TestStaircaseGolden -update.
func TestStaircaseGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("staircase_%dx%d", size[0], size[1]), func(t *testing.T) {
			r := startRunner(t, saddleScenario())
			m := New(r, Options{Renderer: renderer(termenv.Ascii), LogTime: true})
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
			if !r.Send(live.Step(1500)) {
				t.Fatal("command dropped")
			}
			s := waitSnap(t, r, "the runner to settle", settledAt(1500))
			if s.Refs.Staircase == nil {
				t.Fatal("no staircase in the snapshot")
			}
			tm.Send(Refresh())
			tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
			view := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model).View()
			checkScreen(t, view, size[0], size[1])
			for _, want := range []string{"saddle 3/4", jumpGlyph, "·"} {
				if !strings.Contains(view, want) {
					t.Errorf("no %q on screen", want)
				}
			}
			teatest.RequireEqualOutput(t, []byte(view))
		})
	}
}
