package live

import (
	"testing"

	"sgdbias/presets"
	"sgdbias/sim"
)

// Every preset converts, and loading one into a running runner switches the
// problem, the runs and the parameters, restarts the clock, and keeps the
// preset's words for the screen.
func TestLoadScenarioFromPreset(t *testing.T) {
	for _, name := range presets.Names() {
		p, _ := presets.Get(name)
		if _, err := FromPreset(p); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	r := start(t, paper(sim.GF, sim.SGF), Options{Paused: true})
	send(t, r, Step(20))
	waitFor(t, r, "20 steps", stepsDone(20))
	p, _ := presets.Get("momentum")
	sc, err := FromPreset(p)
	if err != nil {
		t.Fatal(err)
	}
	send(t, r, LoadScenario(sc))
	s := waitFor(t, r, "the momentum preset", func(s *Snapshot) bool { return s.Scenario.Name == "momentum" })
	if s.Steps != 0 || s.Problem.N != 30 || s.Params.Momentum != 0.5 || s.Scenario.Title == "" {
		t.Errorf("after loading: steps %d, n %d, μ %v, title %q", s.Steps, s.Problem.N, s.Params.Momentum, s.Scenario.Title)
	}
	shown := map[sim.Algo]bool{}
	for _, run := range s.Runs {
		if run.Enabled {
			shown[run.Algo] = true
		}
	}
	if len(shown) != 2 || !shown[sim.GD] || !shown[sim.HB] {
		t.Errorf("runs shown %v, want gd and hb", shown)
	}
}

// Heavy ball advances γ/(1−μ) per step and variants their own pinned step:
// both must follow the clock, not fall behind it as lagging runs.
func TestRunsWithOtherTimeStepsFollowTheClock(t *testing.T) {
	sc := paper(sim.GD, sim.HB, "gd:step=0.02")
	sc.Params.Step, sc.Params.Momentum = 0.01, 0.5
	r := start(t, sc, Options{Paused: true, ChunkSteps: 50})
	send(t, r, Step(400))
	s := waitFor(t, r, "400 clock steps", stepsDone(400))
	for _, run := range s.Runs {
		if !run.Enabled {
			continue
		}
		if run.CatchingUp || !run.HasLatest || run.Latest.Time < s.Time-0.02 {
			t.Errorf("%s: catching up %v, time %.3f against the clock's %.3f", run.Algo, run.CatchingUp, run.Latest.Time, s.Time)
		}
	}
}
