package ui

import (
	"io"
	"os"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"sgdbias/sim"
	"sgdbias/sim/live"
	"sgdbias/sim/problem"
)

// paper is the seed paper's setting with a fixed step (independent of the
// shipped preset), so that the goldens only change when the explorer does.
func paper(algos ...sim.Algo) live.Scenario {
	return live.Scenario{Setup: sim.Setup{
		Spec: problem.Spec{N: 40, D: 100, S: 5, Beta: problem.BetaSpec{Kind: "pm1"},
			Features: problem.FeatureSpec{Kind: "iso"}, Seed: 1},
		Algos: algos, Alpha: 0.1, Params: sim.Params{Step: 0.08, Noise: 0.08, Batch: 1}, Seed: 1, Horizon: sim.Horizon{Steps: 6250},
	}}
}

// startRunner starts a paused runner with a fixed chunk, so that what it
// shows depends only on the commands it gets.
func startRunner(t testing.TB, sc live.Scenario) *live.Runner {
	t.Helper()
	r, err := live.Start(sc, live.Options{Paused: true, ChunkSteps: 8, Speed: 20}) // a fixed speed: the header shows it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r
}

// renderer returns a renderer with a fixed profile and background.
func renderer(p termenv.Profile) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	r.SetHasDarkBackground(true)
	return r
}

// waitSnap polls the runner until cond holds.
func waitSnap(t testing.TB, r *live.Runner, what string, cond func(*live.Snapshot) bool) *live.Snapshot {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := r.Snapshot()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s (steps %d, state %v)", what, s.Steps, s.State)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// settled reports whether a stopped runner has nothing left to compute: the
// references are solved and every shown run has its prediction for its
// current state, so its snapshot will not change any more.
func settled(s *live.Snapshot) bool {
	if s.State == live.Running || !s.Refs.Ready {
		return false
	}
	for _, r := range s.Enabled() {
		if r.CatchingUp {
			return false
		}
		if r.Diverged == nil && (r.Prediction == nil || r.Prediction.Steps != r.Latest.Steps) {
			return false
		}
	}
	return true
}

func settledAt(steps int64) func(*live.Snapshot) bool {
	return func(s *live.Snapshot) bool { return s.Steps == steps && settled(s) }
}

func widthOf(s string) int { return lipgloss.Width(s) }

func lipglossRenderer(f *os.File) *lipgloss.Renderer { return lipgloss.NewRenderer(f) }
