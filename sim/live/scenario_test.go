package live_test

import (
	"sgdbias/internal/simtest"
	"sgdbias/sim/live"
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// Loading a scenario into a running runner switches the problem, the runs
// and the parameters, restarts the clock, and keeps the scenario's words for
// the screen.
func TestLoadScenario(t *testing.T) {
	r := simtest.Start(t, simtest.Paper(sim.GF, sim.SGF), live.Options{Paused: true})
	simtest.Send(t, r, live.Step(20))
	simtest.WaitFor(t, r, "20 steps", simtest.StepsDone(20))
	sc := live.Scenario{Setup: sim.Setup{
		Spec: problem.Spec{N: 30, D: 60, Beta: problem.BetaSpec{Kind: "list", Values: []float64{10, -10, 10}},
			Features: problem.FeatureSpec{Kind: "iso"}, Seed: 1},
		Algos: []sim.Algo{sim.GD, sim.HB}, Alpha: 0.1, Seed: 1,
		Params:  sim.Params{Step: 0.004, Noise: 0.004, Batch: 1, Momentum: 0.5},
		Horizon: sim.Horizon{Time: 400},
	}, Name: "momentum", Title: "Heavy-ball momentum"}
	simtest.Send(t, r, live.LoadScenario(sc))
	s := simtest.WaitFor(t, r, "the momentum preset", func(s *live.Snapshot) bool { return s.Scenario.Name == "momentum" })
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
	sc := simtest.Paper(sim.GD, sim.HB, "gd:step=0.02")
	sc.Params.Step, sc.Params.Momentum = 0.01, 0.5
	r := simtest.Start(t, sc, live.Options{Paused: true, ChunkSteps: 50})
	simtest.Send(t, r, live.Step(400))
	s := simtest.WaitFor(t, r, "400 clock steps", simtest.StepsDone(400))
	for _, run := range s.Runs {
		if !run.Enabled {
			continue
		}
		if run.CatchingUp || !run.HasLatest || run.Latest.Time < s.Time-0.02 {
			t.Errorf("%s: catching up %v, time %.3f against the clock's %.3f", run.Algo, run.CatchingUp, run.Latest.Time, s.Time)
		}
	}
}
