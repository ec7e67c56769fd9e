package sweep

import (
	"context"
	"testing"

	"sgdbias/sim"
)

// paperConfig is the paper preset's sweep (GF and SGF at γ = 0.08 on a
// (40, 100) problem with 5 ±1 spikes, to t = 500 or a loss of 1e-8) over the
// α grid given, with reps data seeds.
func paperConfig(tb testing.TB, alphaGrid string, reps int) Config {
	tb.Helper()
	alpha, err := ParseGrid(Alpha, alphaGrid)
	if err != nil {
		tb.Fatal(err)
	}
	return Config{
		Problem: ProblemConfig{Source: "paper", N: 40, D: 100, S: 5, BetaStar: "pm1", Features: "iso"},
		Seed:    1, Reps: reps, Algos: []sim.Algo{sim.GF, sim.SGF},
		Grid: Grid{Alpha: alpha, Step: Fixed(Step, 0.08), Noise: Fixed(Noise, 0.08), Batch: Fixed(Batch, 1),
			NoiseFollowsStep: true},
		Horizon: Horizon{Time: 500, Tol: 1e-8},
	}
}

// BenchmarkSweepPaper runs one repetition of the paper sweep over a few α on
// one worker: the per-repetition work (the problem, its references) and the
// per-job runs together.
func BenchmarkSweepPaper(b *testing.B) {
	c := paperConfig(b, "log:1e-3:1:4", 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(context.Background(), c, Options{Workers: 1, NoTiming: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweepPaperFull is the whole paper sweep, 13 α × 5 reps, on one
// worker (for profiles).
func BenchmarkSweepPaperFull(b *testing.B) {
	c := paperConfig(b, "log:1e-3:1:13", 5)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(context.Background(), c, Options{Workers: 1, NoTiming: true}); err != nil {
			b.Fatal(err)
		}
	}
}
