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
