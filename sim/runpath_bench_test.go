package sim_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat"

	"sgdbias/sim"
)

// BenchmarkRunPathInterleaved is BenchmarkRunPath with its two sides in one
// loop: every iteration takes the same number of SGD (b = 1) steps once
// through a bare Step loop and once through sim.Run (200 log-spaced samples,
// as `sgdbias run` by default), the two in alternating order, so that both
// see the same machine load and neither always runs second. It reports each
// side per step, and the run path's overhead in percent: of the summed
// times, and the median over the iterations of each pair's own overhead,
// which a slow minute of the machine moves less.
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
			stepBare := func() time.Duration {
				start := time.Now()
				bare.Reset()
				for range size.steps {
					if err := bare.Step(); err != nil {
						b.Fatal(err)
					}
				}
				return time.Since(start)
			}
			stepRun := func() time.Duration {
				start := time.Now()
				run.Reset()
				if _, err := sim.Run(context.Background(), run, s, opt); err != nil {
					b.Fatal(err)
				}
				return time.Since(start)
			}
			var inBare, inRun time.Duration
			var pairs []float64
			b.ReportAllocs()
			for b.Loop() {
				var tb, tr time.Duration
				if len(pairs)%2 == 0 {
					tb, tr = stepBare(), stepRun()
				} else {
					tr, tb = stepRun(), stepBare()
				}
				inBare, inRun = inBare+tb, inRun+tr
				pairs = append(pairs, 100*(float64(tr)/float64(tb)-1))
			}
			steps := float64(b.N * size.steps)
			slices.Sort(pairs)
			b.ReportMetric(float64(inBare.Nanoseconds())/steps, "ns/bare_step")
			b.ReportMetric(float64(inRun.Nanoseconds())/steps, "ns/run_step")
			b.ReportMetric(100*(float64(inRun)/float64(inBare)-1), "%overhead")
			b.ReportMetric(stat.Quantile(0.5, stat.Empirical, pairs, nil), "%median_pair")
		})
	}
}
