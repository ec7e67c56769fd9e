package sim_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sgdbias/sim"
)

// BenchmarkRunPathInterleaved is BenchmarkRunPath with its two sides in one
// loop: every iteration takes the same number of SGD (b = 1) steps once
// through a bare Step loop and once through sim.Run (200 log-spaced samples,
// as `sgdbias run` by default), so that both see the same machine load. It
// reports each side per step and the run path's overhead in percent.
func BenchmarkRunPathInterleaved(b *testing.B) {
	for _, size := range []struct{ n, d, steps int }{{40, 100, 200000}, {400, 4000, 200000}} {
		p := sparseProblem(b, size.n, size.d, 5, 1)
		cfg := sim.Config{Init: sim.UniformInit(0.1, p.D), Params: sim.Params{Step: 1e-4, Noise: 1e-4, Batch: 1}, Seed: 1}
		b.Run(fmt.Sprintf("n=%d,d=%d", size.n, size.d), func(b *testing.B) {
			bare, err := sim.NewMethod(sim.SGD, p, cfg)
			if err != nil {
				b.Fatal(err)
			}
			run, err := sim.NewMethod(sim.SGD, p, cfg)
			if err != nil {
				b.Fatal(err)
			}
			s := sim.NewSampler(p, cfg.Init)
			opt := sim.RunOptions{Horizon: sim.Horizon{Steps: int64(size.steps)}, Samples: 200, Spacing: sim.Log}
			var inBare, inRun time.Duration
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				bare.Reset()
				for range size.steps {
					if err := bare.Step(); err != nil {
						b.Fatal(err)
					}
				}
				t1 := time.Now()
				run.Reset()
				if _, err := sim.Run(context.Background(), run, s, opt); err != nil {
					b.Fatal(err)
				}
				inBare, inRun = inBare+t1.Sub(t0), inRun+time.Since(t1)
			}
			steps := float64(b.N * size.steps)
			b.ReportMetric(float64(inBare.Nanoseconds())/steps, "ns/bare_step")
			b.ReportMetric(float64(inRun.Nanoseconds())/steps, "ns/run_step")
			b.ReportMetric(100*(float64(inRun)/float64(inBare)-1), "%overhead")
		})
	}
}
