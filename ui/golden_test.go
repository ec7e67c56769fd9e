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
)

// The golden screens: each case drives a paused runner with a fixed chunk
// through the real program (teatest), waits until the runner has nothing
// left to compute, makes the model read that last snapshot, quits, and
// compares the final View with testdata/TestGolden/<case>.golden (update
// with go test ./ui -run TestGolden -update). The colour profile is Ascii,
// so the goldens are plain text: what a monochrome terminal shows.
func TestGolden(t *testing.T) {
	type step struct {
		keys []tea.KeyMsg                // typed into the program
		cmds []live.Command              // sent to the runner ("fixed-step engine")
		wait func(s *live.Snapshot) bool // before the next step
	}
	runes := func(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }
	cases := []struct {
		name  string
		sc    live.Scenario
		steps []step
	}{
		{name: "initial", sc: paper(sim.GF, sim.SGF), steps: []step{{wait: settledAt(0)}}},
		{name: "steps", sc: paper(sim.GF, sim.SGF), steps: []step{{cmds: []live.Command{live.Step(200)}, wait: settledAt(200)}}},
		{name: "help", sc: paper(sim.GF, sim.SGF), steps: []step{{keys: []tea.KeyMsg{runes("?")}, wait: settledAt(0)}}},
		{name: "diverged", sc: paper(sim.GF, sim.GD), steps: []step{
			{cmds: []live.Command{live.SetParams(sim.Params{Step: 5, Noise: 5, Batch: 1}), live.Step(12)}, wait: func(s *live.Snapshot) bool {
				d := s.Run(sim.GD).Diverged
				return settledAt(12)(s) && d != nil && d.StableStep > 0
			}},
		}},
		// Three runs and a hint that wraps at 80 columns: the banner takes
		// its terse one-row form there so that the strip keeps its rows.
		{name: "diverged_three_runs", sc: presetScenario(t, "edge-of-stability"), steps: []step{
			{cmds: []live.Command{live.SetParams(sim.Params{Step: 0.05, Noise: 0.05, Batch: 1}), live.Step(40)}, wait: func(s *live.Snapshot) bool {
				d := s.Run(sim.GD).Diverged
				return settledAt(40)(s) && d != nil && d.StableStep > 0
			}},
		}},
		{name: "converged_four", sc: paper(sim.GF, sim.SGF, sim.GD, sim.SGD), steps: []step{
			{cmds: []live.Command{live.SetSpeed(live.Unlimited), live.Resume()}, wait: func(s *live.Snapshot) bool {
				return s.State == live.Converged && settled(s)
			}},
		}},
		{name: "alphas", sc: presetScenario(t, "anisotropic"), steps: []step{
			{keys: []tea.KeyMsg{runes("v")}, cmds: []live.Command{live.Step(400)}, wait: settledAt(400)},
		}},
		{name: "ghosts", sc: paper(sim.GF, sim.SGF), steps: []step{
			{cmds: []live.Command{live.Step(100)}, wait: settledAt(100)},
			// shift+tab selects α; → moves it 0.1 → 0.2 and restarts: the
			// runs at α = 0.1 stay as ghosts.
			{keys: []tea.KeyMsg{{Type: tea.KeyShiftTab}, {Type: tea.KeyRight}}, wait: func(s *live.Snapshot) bool { return s.Alpha == 0.2 }},
			{cmds: []live.Command{live.Step(60)}, wait: settledAt(60)},
		}},
		{name: "zoom", sc: paper(sim.GF, sim.SGF), steps: []step{
			{keys: []tea.KeyMsg{runes("z"), runes("z")}, cmds: []live.Command{live.Step(200)}, wait: settledAt(200)},
		}},
		{name: "variant", sc: paper(sim.GF, sim.SGF), steps: []step{
			// tab selects the noise; m adds SGF with the noise pinned at 0.08.
			{keys: []tea.KeyMsg{{Type: tea.KeyTab}, runes("m")}, wait: func(s *live.Snapshot) bool {
				r := s.Run("sgf:noise=0.08")
				return r != nil && r.Enabled && settledAt(0)(s)
			}},
			{cmds: []live.Command{live.Step(100)}, wait: settledAt(100)},
		}},
		{name: "label_noise", sc: presetScenario(t, "label-noise"), steps: []step{
			// The strip shows LNSGD (the last run): its time average and the Lasso.
			{cmds: []live.Command{live.Step(20000)}, wait: func(s *live.Snapshot) bool {
				return settledAt(20000)(s) && s.Refs.HasLasso
			}},
		}},
		{name: "live_gamma", sc: paper(sim.GF, sim.SGF), steps: []step{
			{cmds: []live.Command{live.Step(100)}, wait: settledAt(100)},
			// γ is selected at start; → moves it up the 1-2-5 ladder, 0.08 → 0.1.
			{keys: []tea.KeyMsg{{Type: tea.KeyRight}}, wait: func(s *live.Snapshot) bool { return s.Params.Step == 0.1 }},
			{cmds: []live.Command{live.Step(100)}, wait: settledAt(200)},
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1]), func(t *testing.T) {
				r := startRunner(t, c.sc)
				m := New(r, Options{Renderer: renderer(termenv.Ascii)})
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
				for _, st := range c.steps {
					tm.Send(Refresh()) // the keys act on what the runner shows now
					for _, k := range st.keys {
						tm.Send(k)
					}
					for _, cmd := range st.cmds {
						if !r.Send(cmd) {
							t.Fatalf("command %v dropped", cmd)
						}
					}
					waitSnap(t, r, "the runner to settle", st.wait)
				}
				tm.Send(Refresh())
				tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
				fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
				view := fm.View()
				checkScreen(t, view, size[0], size[1])
				teatest.RequireEqualOutput(t, []byte(view))
			})
		}
	}
	t.Run("too_small_60x18", func(t *testing.T) {
		r := startRunner(t, paper(sim.GF, sim.SGF))
		m := New(r, Options{Renderer: renderer(termenv.Ascii)})
		tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(60, 18))
		waitSnap(t, r, "settled", settledAt(0))
		tm.Send(Refresh())
		tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
		view := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model).View()
		if !strings.Contains(view, "enlarge the terminal") {
			t.Errorf("no enlarge message in\n%s", view)
		}
		checkScreen(t, view, 60, 18)
		teatest.RequireEqualOutput(t, []byte(view))
	})
}

// checkScreen asserts that a view fits the terminal and, in Ascii, carries
// no escape sequence.
func checkScreen(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("%d lines on a %d-line terminal", len(lines), h)
	}
	for i, l := range lines {
		if n := widthOf(l); n > w {
			t.Errorf("line %d is %d cells wide on a %d-cell terminal: %q", i, n, w, l)
		}
	}
	if strings.Contains(view, "\x1b") {
		t.Error("escape sequences in an Ascii view")
	}
	if strings.Contains(view, "NaN") || strings.Contains(view, "Inf") {
		t.Error("NaN or Inf on screen")
	}
}
