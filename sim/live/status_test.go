package live_test

import (
	"strings"
	"testing"

	"sgdbias/internal/simtest"
	"sgdbias/sim"
	"sgdbias/sim/live"
)

// `sgdbias --noise 0.3`: SGF's noise blows its loss up and w± would then
// underflow to 0. The explorer used to show β̂ = β* ("test error now→limit
// 5→2e-25"); the run must stop with its status, a hint naming the noise,
// and no predicted limit.
func TestSGFBlowUpStopsWithStatusAndNoLimit(t *testing.T) {
	sc := simtest.Paper(sim.SGF)
	sc.Params.Noise = 0.3
	r := simtest.Start(t, sc, live.Options{Paused: true, ChunkSteps: 64})
	simtest.Send(t, r, live.Step(2000))
	s := simtest.WaitFor(t, r, "SGF stopped with its hint", func(s *live.Snapshot) bool {
		d := s.Run(sim.SGF).Diverged
		return d != nil && s.Refs.Ready && d.StableNoise > 0
	})
	run := s.Run(sim.SGF)
	d := run.Diverged
	if d.Status != sim.StatusDiverged && d.Status != sim.StatusCollapsed {
		t.Errorf("status %q", d.Status)
	}
	if !strings.Contains(d.Hint, "noise") || d.StableNoise >= 0.3 {
		t.Errorf("hint %q (noise estimate %g) should name a smaller noise", d.Hint, d.StableNoise)
	}
	if run.Prediction != nil {
		t.Errorf("a stopped run has a predicted limit: %+v", run.Prediction)
	}
}

// GF stopped by data too large for float64 gets no hint about a step.
func TestGFStopHasNoStepHint(t *testing.T) {
	sc := simtest.Paper(sim.GF)
	sc.Spec.LabelSigma = 1e50
	r := simtest.Start(t, sc, live.Options{Paused: true, ChunkSteps: 64})
	simtest.Send(t, r, live.Step(50))
	s := simtest.WaitFor(t, r, "GF stopped", func(s *live.Snapshot) bool { return s.Run(sim.GF).Diverged != nil && s.Refs.Ready })
	d := s.Run(sim.GF).Diverged
	if d.StableStep != 0 || strings.Contains(d.Hint, "γ") {
		t.Errorf("GF divergence %+v", d)
	}
}
