package ui

import (
	"context"
	"io"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"sgdbias/sim"
	"sgdbias/sim/live"
	"sgdbias/sim/problem"
)

// fullHistory runs all four algorithms flat out until the histories hold
// steps steps, then pauses.
func fullHistory(b testing.TB, sc live.Scenario, steps int64) *live.Runner {
	r, err := live.Start(sc, live.Options{Speed: live.Unlimited, ConvergedLoss: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(r.Stop)
	waitSnap(b, r, "history", func(s *live.Snapshot) bool { return s.Steps >= steps })
	r.Send(live.Pause())
	waitSnap(b, r, "settled", settled)
	return r
}

func modelAt(r *live.Runner, w, h int) *Model {
	m := New(r, Options{Renderer: renderer(termenv.ANSI256)})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// BenchmarkView is the cost of a frame whose charts are cached: what
// bubbletea pays after every message.
func BenchmarkView(b *testing.B) {
	r := fullHistory(b, paper(sim.GF, sim.GD, sim.SGF, sim.SGD), 100_000)
	m := modelAt(r, 120, 40)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkFrame is the cost of a frame with new data: the four charts
// re-plotted from the full (bounded) history, the strip and the status
// redrawn, at 120×40.
func BenchmarkFrame(b *testing.B) {
	r := fullHistory(b, paper(sim.GF, sim.GD, sim.SGF, sim.SGD), 100_000)
	m := modelAt(r, 120, 40)
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range m.charts {
			c.key = chartKey{}
		}
		m.take(r.Snapshot())
		_ = m.View()
	}
}

// throughputSteps is the horizon of the throughput comparison.
const throughputSteps = 60_000

// BenchmarkThroughput compares the simulation speed of the explorer, flat
// out with the UI drawing at 30 fps in the same process, with a headless
// run (sim.Run, as 'sgdbias run' does it) of the same algorithms, on the
// seed paper's scenario. Both report steps/s of the shared clock (GF and
// SGF advanced together).
func BenchmarkThroughput(b *testing.B) {
	sc := paper(sim.GF, sim.SGF)
	for _, c := range []struct {
		name string
		run  func(testing.TB, live.Scenario, int64) time.Duration
	}{{"headless", headlessRun}, {"explorer", explorerRun}} {
		b.Run(c.name, func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				total += c.run(b, sc, throughputSteps)
			}
			b.ReportMetric(float64(b.N)*throughputSteps/total.Seconds(), "steps/s")
		})
	}
}

// headlessRun runs every algorithm of sc for steps steps with sim.Run, one
// after the other, and returns the wall time.
func headlessRun(b testing.TB, sc live.Scenario, steps int64) time.Duration {
	p, err := problem.Generate(sc.Spec)
	if err != nil {
		b.Fatal(err)
	}
	cfg := sim.Config{Init: sim.UniformInit(sc.Alpha, p.D), Params: sc.Params, Seed: sc.Seed}
	start := time.Now()
	for _, a := range sc.Algos {
		m, _ := sim.NewMethod(a, p, cfg)
		opts := sim.RunOptions{Horizon: sim.Horizon{Steps: steps}, Samples: 200, Spacing: sim.Log}
		if _, err := sim.Run(context.Background(), m, sim.NewSampler(p, cfg.Init), opts); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// explorerRun runs the explorer (a real bubbletea program writing to
// io.Discard at 30 fps, 120×40) on a flat-out runner until the clock has
// taken steps steps, and returns the wall time.
func explorerRun(b testing.TB, sc live.Scenario, steps int64) time.Duration {
	start := time.Now()
	r, err := live.Start(sc, live.Options{Speed: live.Unlimited, ConvergedLoss: -1})
	if err != nil {
		b.Fatal(err)
	}
	m := New(r, Options{Renderer: renderer(termenv.ANSI256)})
	p := tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignals(), tea.WithFPS(30))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = p.Run()
	}()
	p.Send(tea.WindowSizeMsg{Width: 120, Height: 40})
	for r.Snapshot().Steps < steps {
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	if r.Snapshot().Steps > steps {
		// The last chunk overshoots a little; count the time per step.
		elapsed = time.Duration(float64(elapsed) * float64(steps) / float64(r.Snapshot().Steps))
	}
	p.Quit()
	<-done
	r.Stop()
	return elapsed
}

// TestLongRunMemory runs 10⁸ steps on a tiny problem and reports the heap
// and the cost of a frame at 10³, 10⁶ and 10⁸ steps. It takes minutes, so
// it runs only with SGDBIAS_LONG=1.
func TestLongRunMemory(t *testing.T) {
	if os.Getenv("SGDBIAS_LONG") == "" {
		t.Skip("set SGDBIAS_LONG=1 to run 10⁸ steps")
	}
	sc := live.Scenario{Setup: sim.Setup{
		Spec:  problem.Spec{N: 6, D: 14, S: 2, Beta: problem.BetaSpec{Kind: "pm1"}, Features: problem.FeatureSpec{Kind: "iso"}, Seed: 3},
		Algos: []sim.Algo{sim.GD, sim.SGD}, Alpha: 0.1, Params: sim.Params{Step: 1e-6, Noise: 1e-6, Batch: 1}, Seed: 3,
	}}
	r, err := live.Start(sc, live.Options{Paused: true, ConvergedLoss: -1, PredictEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	m := modelAt(r, 120, 40)
	start := time.Now()
	var done int64
	var firstHeap uint64
	for _, target := range []int64{1e3, 1e6, 1e7, 1e8} {
		r.Send(live.Step(int(target - done)))
		done = target
		s := waitSnapLong(r, target)
		m.take(s)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		frame := testing.Benchmark(func(b *testing.B) {
			for b.Loop() {
				for _, c := range m.charts {
					c.key = chartKey{}
				}
				m.take(s)
				_ = m.View()
			}
		})
		t.Logf("steps %-10s after %6.1f s: heap %6.2f MB, %d samples in %d buckets (gd), frame %s",
			strconv.FormatInt(s.Steps, 10), time.Since(start).Seconds(), float64(ms.HeapAlloc)/1e6,
			s.Run(sim.GD).Samples(), s.Run(sim.GD).Buckets(), time.Duration(frame.NsPerOp()))
		if firstHeap == 0 {
			firstHeap = ms.HeapAlloc
		} else if ms.HeapAlloc > 2*firstHeap {
			t.Errorf("heap grew from %d to %d bytes by step %d: memory is not flat", firstHeap, ms.HeapAlloc, s.Steps)
		}
		if buckets := s.Run(sim.GD).Buckets(); buckets > 512 {
			t.Errorf("%d history buckets at step %d, want ≤ 512", buckets, s.Steps)
		}
	}
}

func waitSnapLong(r *live.Runner, steps int64) *live.Snapshot {
	for {
		if s := r.Snapshot(); s.Steps >= steps && s.State != live.Running {
			return s
		}
		time.Sleep(5 * time.Millisecond)
	}
}
