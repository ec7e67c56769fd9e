package ui

import (
	"io"
	"os"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"sgdbias/internal/simtest"
	"sgdbias/sim"
	"sgdbias/sim/live"
)

// The fixtures shared with the engine's and the server's tests.
func paper(algos ...sim.Algo) live.Scenario { return simtest.Paper(algos...) }

func startRunner(t testing.TB, sc live.Scenario) *live.Runner {
	t.Helper()
	// A fixed speed: the header shows it.
	return simtest.Start(t, sc, live.Options{Paused: true, ChunkSteps: 8, Speed: 20})
}

// renderer returns a renderer with a fixed profile and background.
func renderer(p termenv.Profile) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	r.SetHasDarkBackground(true)
	return r
}

func waitSnap(t testing.TB, r *live.Runner, what string, cond func(*live.Snapshot) bool) *live.Snapshot {
	t.Helper()
	return simtest.WaitFor(t, r, what, cond)
}

func settled(s *live.Snapshot) bool { return simtest.Settled(s) }

func settledAt(steps int64) func(*live.Snapshot) bool { return simtest.SettledAt(steps) }

func widthOf(s string) int { return lipgloss.Width(s) }

func lipglossRenderer(f *os.File) *lipgloss.Renderer { return lipgloss.NewRenderer(f) }
