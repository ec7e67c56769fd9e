package sim_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sgdbias/sim"
)

// sampleEvery is how often the benchmarks take a metric sample, as a real
// run with a few hundred samples over 10⁵–10⁶ steps does.
const sampleEvery = 1000

// BenchmarkStep measures one step of each algorithm, with metric sampling
// amortised as in real runs. Report steps/s = 1e9 / (ns/op).
func BenchmarkStep(b *testing.B) {
	sizes := [][2]int{{40, 100}, {100, 1000}, {400, 4000}}
	for _, size := range sizes {
		p := sparseProblem(b, size[0], size[1], 5, 1)
		for _, a := range sim.AllAlgos {
			for _, batch := range batchesFor(a, size[0]) {
				name := fmt.Sprintf("%s/n=%d,d=%d", a, size[0], size[1])
				if a == sim.SGD {
					name = fmt.Sprintf("%s/b=%d/n=%d,d=%d", a, batch, size[0], size[1])
				}
				b.Run(name, func(b *testing.B) {
					m, err := sim.NewMethod(a, p, sim.Config{
						Init:   sim.UniformInit(0.1, p.D),
						Params: sim.Params{Step: 1e-4, Noise: 1e-4, Batch: batch},
						Seed:   1,
					})
					if err != nil {
						b.Fatal(err)
					}
					s := sim.NewSampler(p, sim.UniformInit(0.1, p.D))
					b.ReportAllocs()
					k := 0
					for b.Loop() {
						if err := m.Step(); err != nil {
							b.Fatal(err)
						}
						if k++; k%sampleEvery == 0 {
							_ = s.Measure(m)
						}
					}
				})
			}
		}
	}
}

func batchesFor(a sim.Algo, n int) []int {
	if a == sim.SGD {
		return []int{1, 10}
	}
	return []int{1}
}

// BenchmarkStreamX measures the memory bandwidth available to a pass over X
// with copy (the runtime's vectorised memmove), counting the bytes read and
// written. A GD step makes two read passes over X (Xβ and Xᵀr), so its
// bandwidth floor is 2·8·n·d bytes at this rate.
func BenchmarkStreamX(b *testing.B) {
	for _, size := range [][2]int{{40, 100}, {100, 1000}, {400, 4000}} {
		p := sparseProblem(b, size[0], size[1], 5, 1)
		dst := make([]float64, len(p.X))
		b.Run(fmt.Sprintf("n=%d,d=%d", size[0], size[1]), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(2 * 8 * len(p.X)))
			for b.Loop() {
				copy(dst, p.X)
			}
		})
	}
}

// BenchmarkGDSplit compares a GD step on one core (two passes of Dgemv)
// with the column-block step shared with a second core. The two alternate
// within one loop, each timed on its own, so that a shared, loaded machine
// slows both alike: compare the one_core and split metrics of one line.
func BenchmarkGDSplit(b *testing.B) {
	for _, size := range [][2]int{{40, 100}, {100, 1000}, {200, 2000}, {400, 4000}} {
		p := sparseProblem(b, size[0], size[1], 5, 1)
		b.Run(fmt.Sprintf("n=%d,d=%d", size[0], size[1]), func(b *testing.B) {
			serial, split := sim.NewGDForBenchmark(b, p, sim.GDTwoPass), sim.NewGDForBenchmark(b, p, sim.GDColumnSplit)
			var inSerial, inSplit time.Duration
			b.ReportAllocs()
			for b.Loop() {
				start := time.Now()
				if err := serial.Step(); err != nil {
					b.Fatal(err)
				}
				mid := time.Now()
				if err := split.Step(); err != nil {
					b.Fatal(err)
				}
				inSerial += mid.Sub(start)
				inSplit += time.Since(mid)
			}
			b.ReportMetric(float64(inSerial.Nanoseconds())/float64(b.N), "ns/one_core")
			b.ReportMetric(float64(inSplit.Nanoseconds())/float64(b.N), "ns/split")
		})
	}
}

// BenchmarkRunPath measures SGD (b = 1) through sim.Run, as `sgdbias run`
// drives it (200 log-spaced samples, loss checks between chunks), per step,
// beside the bare step loop, to bound what the run path adds.
func BenchmarkRunPath(b *testing.B) {
	const steps = 200000
	for _, size := range [][2]int{{40, 100}, {400, 4000}} {
		p := sparseProblem(b, size[0], size[1], 5, 1)
		cfg := sim.Config{Init: sim.UniformInit(0.1, p.D), Params: sim.Params{Step: 1e-4, Noise: 1e-4, Batch: 1}, Seed: 1}
		name := fmt.Sprintf("n=%d,d=%d", size[0], size[1])
		b.Run("step/"+name, func(b *testing.B) {
			m, err := sim.NewMethod(sim.SGD, p, cfg)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				m.Reset()
				for range steps {
					if err := m.Step(); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*steps), "ns/step")
		})
		b.Run("run/"+name, func(b *testing.B) {
			m, err := sim.NewMethod(sim.SGD, p, cfg)
			if err != nil {
				b.Fatal(err)
			}
			s := sim.NewSampler(p, cfg.Init)
			opt := sim.RunOptions{Horizon: sim.Horizon{Steps: steps}, Samples: 200, Spacing: sim.Log}
			for b.Loop() {
				m.Reset()
				if _, err := sim.Run(context.Background(), m, s, opt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*steps), "ns/step")
		})
	}
}
