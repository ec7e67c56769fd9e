package live_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"sgdbias/internal/simtest"
	"sgdbias/sim/live"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// The runner steps the engine's methods exactly: after K clock steps every
// discrete run equals the same method advanced on its own, bit for bit,
// and GF (adaptive, so its steps depend on where it must land) agrees to
// its tolerance.
func TestStepMatchesEngine(t *testing.T) {
	sc := simtest.Paper(sim.GF, sim.GD, sim.SGF, sim.SGD)
	r := simtest.Start(t, sc, live.Options{Paused: true, ChunkSteps: 7})
	if len(r.Snapshot().Runs) != 4 {
		t.Fatalf("%d runs, want the four base ones", len(r.Snapshot().Runs))
	}
	simtest.Send(t, r, live.Step(123))
	s := simtest.WaitFor(t, r, "123 steps", simtest.StepsDone(123))
	if math.Abs(s.Time-123*0.08) > 1e-9 {
		t.Errorf("clock time %v, want %v", s.Time, 123*0.08)
	}
	p, err := problem.Generate(sc.Spec)
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.Config{Init: sim.UniformInit(sc.Alpha, p.D), Params: sc.Params, Seed: sc.Seed}
	for _, a := range []sim.Algo{sim.GF, sim.GD, sim.SGF, sim.SGD} {
		m, err := sim.NewMethod(a, p, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.AdvanceTo(s.Time); err != nil {
			t.Fatal(err)
		}
		want := sim.NewSampler(p, cfg.Init).Measure(m)
		got := s.Run(a).Latest
		switch a {
		case sim.GF:
			if rel := math.Abs(got.Loss-want.Loss) / want.Loss; rel > 1e-6 {
				t.Errorf("gf: loss %v, engine alone %v (rel %.2g)", got.Loss, want.Loss, rel)
			}
		default:
			if got.Loss != want.Loss || got.L1 != want.L1 || got.AlphaGeoMean != want.AlphaGeoMean || got.Steps != 123 {
				t.Errorf("%s: runner %+v\nengine alone %+v", a, got, want)
			}
		}
	}
}

// Two runners fed the same commands publish the same histories: with a
// fixed chunk the sampled trajectory does not depend on the machine.
func TestDeterministicHistory(t *testing.T) {
	var csvs []string
	for range 2 {
		r := simtest.Start(t, simtest.Paper(sim.GF, sim.SGF), live.Options{Paused: true, ChunkSteps: 5})
		simtest.Send(t, r, live.Step(300))
		s := simtest.WaitFor(t, r, "300 steps", simtest.StepsDone(300))
		var b bytes.Buffer
		if err := s.WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		csvs = append(csvs, b.String())
		r.Stop()
	}
	if csvs[0] != csvs[1] {
		t.Error("the same commands gave different histories")
	}
}

// A live change keeps the trajectory, takes effect at the next step, and
// leaves a marker where it happened.
func TestLiveChangeMarker(t *testing.T) {
	r := simtest.Start(t, simtest.Paper(sim.GF, sim.SGF), live.Options{Paused: true, ChunkSteps: 10})
	simtest.Send(t, r, live.Step(50))
	simtest.WaitFor(t, r, "50 steps", simtest.StepsDone(50))
	simtest.Send(t, r, live.SetParams(sim.Params{Step: 0.04, Noise: 0.08, Batch: 1}), live.Step(50))
	s := simtest.WaitFor(t, r, "100 steps", simtest.StepsDone(100))
	if want := 50*0.08 + 50*0.04; math.Abs(s.Time-want) > 1e-9 {
		t.Errorf("time %v, want %v", s.Time, want)
	}
	if len(s.Markers) != 1 {
		t.Fatalf("markers %+v, want one", s.Markers)
	}
	mk := s.Markers[0]
	if mk.Steps != 50 || math.Abs(mk.Time-4) > 1e-9 || !strings.Contains(mk.Label, "γ 0.08→0.04") {
		t.Errorf("marker %+v, want step 50, t 4, γ 0.08→0.04", mk)
	}
	if got := s.Run(sim.SGF).Latest.Steps; got != 100 {
		t.Errorf("sgf took %d steps, want 100", got)
	}
	if s.Params.Step != 0.04 {
		t.Errorf("params %+v, want step 0.04", s.Params)
	}
}

// GD and SGD switched on late catch up with the clock and replay the live
// changes made meanwhile: they end where runs shown from the start end.
func TestCatchUpReplaysChanges(t *testing.T) {
	change := live.SetParams(sim.Params{Step: 0.05, Noise: 0.05, Batch: 2})
	late := simtest.Start(t, simtest.Paper(sim.GF, sim.SGF), live.Options{Paused: true, ChunkSteps: 6})
	simtest.Send(t, late, live.Step(40))
	simtest.WaitFor(t, late, "40 steps", simtest.StepsDone(40))
	simtest.Send(t, late, change, live.Step(40))
	simtest.WaitFor(t, late, "80 steps", simtest.StepsDone(80))
	simtest.Send(t, late, live.ToggleDiscrete())
	got := simtest.WaitFor(t, late, "catch-up", func(s *live.Snapshot) bool {
		gd, sgd := s.Run(sim.GD), s.Run(sim.SGD)
		return gd.Enabled && sgd.Enabled && !gd.CatchingUp && !sgd.CatchingUp && gd.Latest.Steps == 80 && sgd.Latest.Steps == 80
	})

	early := simtest.Start(t, simtest.Paper(sim.GF, sim.GD, sim.SGF, sim.SGD), live.Options{Paused: true, ChunkSteps: 6})
	simtest.Send(t, early, live.Step(40))
	simtest.WaitFor(t, early, "40 steps", simtest.StepsDone(40))
	simtest.Send(t, early, change, live.Step(40))
	want := simtest.WaitFor(t, early, "80 steps", simtest.StepsDone(80))
	for _, a := range []sim.Algo{sim.GD, sim.SGD} {
		g, w := got.Run(a).Latest, want.Run(a).Latest
		if g.Loss != w.Loss || g.L1 != w.L1 || g.Time != w.Time {
			t.Errorf("%s caught up to %+v\nshown from the start: %+v", a, g, w)
		}
	}
}

// Restart-type commands rebuild the runs; bad ones leave a notice and
// change nothing.
func TestRestartCommands(t *testing.T) {
	r := simtest.Start(t, simtest.Paper(sim.GF, sim.SGF), live.Options{Paused: true, ChunkSteps: 10})
	simtest.Send(t, r, live.Step(20))
	s0 := simtest.WaitFor(t, r, "20 steps", simtest.StepsDone(20))

	simtest.Send(t, r, live.SetAlpha(0.05))
	s := simtest.WaitFor(t, r, "new α", func(s *live.Snapshot) bool { return s.Alpha == 0.05 })
	if s.Steps != 0 || s.Generation != s0.Generation+1 || len(s.Markers) != 0 {
		t.Errorf("after SetAlpha: steps %d gen %d markers %d", s.Steps, s.Generation, len(s.Markers))
	}

	simtest.Send(t, r, live.SetProblem(30, 80, 3))
	s = simtest.WaitFor(t, r, "new problem", func(s *live.Snapshot) bool { return s.Problem.N == 30 })
	if s.Problem.D != 80 || s.Problem.S != 3 || s.Alpha != 0.05 {
		t.Errorf("after SetProblem: %+v α=%v", s.Problem, s.Alpha)
	}

	seq := s.Notice.Seq
	simtest.Send(t, r, live.SetProblem(50, 40, 3))
	s = simtest.WaitFor(t, r, "refusal", func(s *live.Snapshot) bool { return s.Notice.Seq > seq })
	if s.Problem.N != 30 || s.Problem.D != 80 {
		t.Errorf("a bad problem changed the runs: %+v", s.Problem)
	}

	simtest.Send(t, r, live.NextSeed())
	s = simtest.WaitFor(t, r, "seed 2", func(s *live.Snapshot) bool { return s.Problem.Seed == 2 })
	if s.Problem.N != 30 {
		t.Errorf("new seed lost the size: %+v", s.Problem)
	}

	seq = s.Notice.Seq
	simtest.Send(t, r, live.SetParams(sim.Params{Step: 0.08, Noise: 0.08, Batch: 31}))
	s = simtest.WaitFor(t, r, "refused batch", func(s *live.Snapshot) bool { return s.Notice.Seq > seq })
	if s.Params.Batch != 1 || !strings.Contains(s.Notice.Text, "batch") {
		t.Errorf("batch 31 > n: params %+v notice %q", s.Params, s.Notice.Text)
	}

	simtest.Send(t, r, live.Step(5), live.Restart())
	s = simtest.WaitFor(t, r, "restart", func(s *live.Snapshot) bool { return s.Steps == 0 && s.Generation > 4 })
	if s.Run(sim.SGF).Latest.Steps != 0 {
		t.Errorf("restart left sgf at step %d", s.Run(sim.SGF).Latest.Steps)
	}
}

// A run that diverges stops with the step and a stable-step hint; the
// charts' data stay finite.
func TestDivergence(t *testing.T) {
	sc := simtest.Paper(sim.GD)
	sc.Params.Step, sc.Params.Noise = 5, 5
	r := simtest.Start(t, sc, live.Options{Paused: true, ChunkSteps: 4})
	simtest.Send(t, r, live.Step(40))
	s := simtest.WaitFor(t, r, "divergence with hint", func(s *live.Snapshot) bool {
		d := s.Run(sim.GD).Diverged
		return s.State == live.Diverged && d != nil && d.StableStep > 0 && s.Refs.Ready
	})
	d := s.Run(sim.GD).Diverged
	if d.Step < 1 || d.Step > 40 || d.Gamma != 5 || d.StableStep >= 5 {
		t.Errorf("divergence %+v", d)
	}
	run := s.Run(sim.GD)
	for _, logTime := range []bool{false, true} {
		ax := s.TimeAxis(logTime)
		for _, m := range live.Metrics {
			lo, hi := run.Envelope(m, ax, 60)
			for i := range lo {
				if !isFinite(lo[i]) || !isFinite(hi[i]) {
					t.Fatalf("%s column %d not finite", m.Name(), i)
				}
			}
		}
	}
	if !run.Latest.Finite() {
		t.Errorf("latest sample not finite: %+v", run.Latest)
	}
}

// Flat out, the default scenario converges and the clock stops by itself.
func TestConverges(t *testing.T) {
	r := simtest.Start(t, simtest.Paper(sim.GF, sim.SGF), live.Options{Speed: live.Unlimited})
	s := simtest.WaitFor(t, r, "convergence", func(s *live.Snapshot) bool { return s.State == live.Converged })
	for _, run := range s.Enabled() {
		if run.Latest.Loss > 1e-9 {
			t.Errorf("%s converged with loss %v", run.Algo, run.Latest.Loss)
		}
	}
	s = simtest.WaitFor(t, r, "predictions", func(s *live.Snapshot) bool {
		for _, run := range s.Enabled() {
			if run.Prediction == nil || run.Prediction.Steps != run.Latest.Steps {
				return false
			}
		}
		return true
	})
	gf, sgf := s.Run(sim.GF).Prediction, s.Run(sim.SGF).Prediction
	if !(sgf.TestError < gf.TestError) {
		t.Errorf("SGF's predicted test error %v is not below GF's %v (seed paper)", sgf.TestError, gf.TestError)
	}
	if math.Abs(gf.L1-s.Refs.GFLimitL1) > 1e-6 {
		t.Errorf("GF's predicted ‖β̂‖₁ %v differs from the GF limit %v", gf.L1, s.Refs.GFLimitL1)
	}
}

// A runner reports the speed it was started at (the pacing itself is tested
// on a synthetic clock, in pacing_test.go).
func TestStartSpeed(t *testing.T) {
	r := simtest.Start(t, simtest.Paper(sim.GF, sim.SGF), live.Options{Speed: 200, ConvergedLoss: -1})
	if s := r.Snapshot(); s.Speed != 200 {
		t.Errorf("speed %v, want 200", s.Speed)
	}
}

// Stop ends every goroutine the runner started, whatever it was doing.
func TestStopLeavesNoGoroutine(t *testing.T) {
	runtime.GC()
	before := runtime.NumGoroutine()
	for i := range 6 {
		opt := live.Options{Speed: live.Unlimited, ConvergedLoss: -1}
		if i%2 == 1 {
			opt = live.Options{Paused: true}
		}
		r, err := live.Start(simtest.Paper(sim.GF, sim.SGF), opt)
		if err != nil {
			t.Fatal(err)
		}
		r.Send(live.ToggleDiscrete())
		r.Send(live.Step(3))
		time.Sleep(20 * time.Millisecond)
		r.Stop()
		r.Stop() // idempotent
		select {
		case <-r.Done():
		default:
			t.Fatal("Done not closed after Stop")
		}
		if r.Send(live.Pause()) {
			t.Error("Send after Stop reported success")
		}
	}
	deadline := time.Now().Add(30 * time.Second) // a hang guard: they end at once
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after Stop, %d before\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// Concurrent live changes from several senders while readers walk the
// snapshots: run under the race detector (go test -race).
func TestRaceConcurrentLiveChanges(t *testing.T) {
	r := simtest.Start(t, simtest.Paper(sim.GF, sim.SGF), live.Options{Speed: live.Unlimited, ConvergedLoss: -1})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 9))
			for {
				select {
				case <-stop:
					return
				default:
				}
				var c live.Command
				switch rng.IntN(12) {
				case 0, 1, 2:
					c = live.SetParams(sim.Params{Step: 0.01 + 0.09*rng.Float64(), Noise: 0.1 * rng.Float64(), Batch: 1 + rng.IntN(40)})
				case 3:
					c = live.SetSpeed([]float64{10, 1000, live.Unlimited}[rng.IntN(3)])
				case 4:
					c = live.TogglePause()
				case 5:
					c = live.Step(1 + rng.IntN(50))
				case 6:
					c = live.ToggleDiscrete()
				case 7:
					c = live.SetAlpha([]float64{0.05, 0.1, 0.2}[rng.IntN(3)])
				case 8:
					c = live.NextSeed()
				case 9:
					c = live.Restart()
				case 10:
					c = live.SetProblem(20+rng.IntN(20), 60+rng.IntN(40), 1+rng.IntN(5))
				default:
					c = live.Resume()
				}
				r.Send(c)
				time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
			}
		}()
	}
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				s := r.Snapshot()
				for _, logTime := range []bool{false, true} {
					ax := s.TimeAxis(logTime)
					for _, run := range s.Enabled() {
						for _, m := range live.Metrics {
							lo, hi := run.Envelope(m, ax, 80)
							for i := range lo {
								if !isFinite(lo[i]) || !isFinite(hi[i]) {
									t.Errorf("%s %s: column %d not finite", run.Algo, m.Name(), i)
									return
								}
							}
						}
					}
				}
				_ = s.WriteCSV(io.Discard)
				time.Sleep(time.Millisecond)
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	wg.Wait()
	r.Stop()
	s := r.Snapshot()
	if s.Applied == 0 {
		t.Error("no command was applied")
	}
}

// Memory stays flat: ten times more steps leave the heap and the history
// where they were.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("two million steps (the bound on memory is no matter of races)")
	}
	sc := live.Scenario{Setup: sim.Setup{
		Spec:  problem.Spec{N: 6, D: 14, S: 2, Beta: problem.BetaSpec{Kind: "pm1"}, Features: problem.FeatureSpec{Kind: "iso"}, Seed: 3},
		Algos: []sim.Algo{sim.GD, sim.SGD}, Alpha: 0.1, Params: sim.Params{Step: 1e-4, Noise: 1e-4, Batch: 1}, Seed: 3,
	}}
	r := simtest.Start(t, sc, live.Options{Speed: live.Unlimited, ConvergedLoss: -1, PredictEvery: time.Hour})
	heapAt := func(steps int64) (uint64, *live.Snapshot) {
		s := simtest.WaitFor(t, r, "steps", func(s *live.Snapshot) bool { return s.Steps >= steps })
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc, s
	}
	h1, _ := heapAt(200_000)
	h2, s := heapAt(2_000_000)
	for _, run := range s.Enabled() {
		if run.Buckets() > 2*live.LinBuckets {
			t.Errorf("%s holds %d buckets", run.Algo, run.Buckets())
		}
	}
	if h2 > h1+1<<20 {
		t.Errorf("heap grew from %d to %d bytes between 2e5 and 2e6 steps", h1, h2)
	}
	t.Logf("heap %d → %d bytes; %d samples in %d buckets", h1, h2, s.Run(sim.GD).Samples(), s.Run(sim.GD).Buckets())
}

func TestWriteCSV(t *testing.T) {
	r := simtest.Start(t, simtest.Paper(sim.GF, sim.SGF), live.Options{Paused: true, ChunkSteps: 3})
	simtest.Send(t, r, live.Step(40))
	s := simtest.WaitFor(t, r, "40 steps", simtest.StepsDone(40))
	var b bytes.Buffer
	if err := s.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows[0]) != 14 || rows[0][0] != "algo" || rows[0][6] != "train_loss_min" {
		t.Fatalf("header %v", rows[0])
	}
	algos := map[string]int{}
	for _, row := range rows[1:] {
		algos[row[0]+"/"+row[1]]++
	}
	for _, k := range []string{"gf/lin", "gf/log", "sgf/lin", "sgf/log"} {
		if algos[k] == 0 {
			t.Errorf("no %s rows in %v", k, algos)
		}
	}
}

func TestCheckProblem(t *testing.T) {
	for _, c := range []struct {
		n, d, s int
		ok      bool
	}{{40, 100, 5, true}, {0, 10, 1, false}, {10, 10, 1, false}, {10, 20, 0, false}, {10, 20, 21, false}, {501, 1000, 1, false}, {500, 2001, 1, false}, {500, 2000, 1, true}} {
		if err := live.CheckProblem(c.n, c.d, c.s); (err == nil) != c.ok {
			t.Errorf("CheckProblem(%d,%d,%d) = %v", c.n, c.d, c.s, err)
		}
	}
}

// The default speed makes the seed paper's interesting part (the escape,
// and 99% of the decay of SGF's α_t) take about 20 s.
func TestDefaultSpeedForPaper(t *testing.T) {
	sc := simtest.Paper(sim.GF, sim.SGF)
	p, err := problem.Generate(sc.Spec)
	if err != nil {
		t.Fatal(err)
	}
	c := live.Calibrate(sc, p)
	if !c.OK || c.Steps < 300 || c.Steps > 550 || c.Ran != sc.Horizon.Steps {
		t.Fatalf("interesting part ends at step %d of %d run (ok %v), want about 410 of %v", c.Steps, c.Ran, c.OK, sc.Horizon.Steps)
	}
	speed := live.DefaultSpeedFor(sc, p)
	if secs := float64(c.Steps) / speed; secs < 14 || secs > 28 {
		t.Errorf("at %v steps/s the interesting part takes %.0f s, want about 20", speed, secs)
	}
	sc.Params.Noise = 0
	if c := live.Calibrate(sc, p); !c.OK || c.Steps < 10 {
		t.Errorf("without noise: %+v", c)
	}
	sc.Horizon = sim.Horizon{}
	if got := live.DefaultSpeedFor(sc, p); got != live.DefaultSpeed(0) {
		t.Errorf("no horizon: %v", got)
	}
}

// The calibration run is bounded by work, not by the wall clock: on a large
// problem it stops after live.CalibrationWork/(n·d) steps, and a loss that has
// not come down by then falls back to the horizon's rule.
func TestCalibrationBoundedByWork(t *testing.T) {
	sc := simtest.Paper(sim.GD)
	sc.Spec.N, sc.Spec.D = 200, 2000
	sc.Alpha, sc.Params.Noise = 1e-12, 0 // a long plateau: the loss stays up
	sc.Params.Step = 0.01
	sc.Horizon = sim.Horizon{Steps: 1e6}
	p, err := problem.Generate(sc.Spec)
	if err != nil {
		t.Fatal(err)
	}
	want := int64(live.CalibrationWork / (200 * 2000))
	c := live.Calibrate(sc, p)
	if c.Ran != want || c.OK {
		t.Fatalf("calibration %+v; want %d steps run and no estimate", c, want)
	}
	if got := live.DefaultSpeedFor(sc, p); got != live.DefaultSpeed(1e6) {
		t.Errorf("default speed %v, want the horizon's fallback %v", got, live.DefaultSpeed(1e6))
	}
}

func TestSpeedLadder(t *testing.T) {
	if got := live.DefaultSpeed(6250); got != 50 {
		t.Errorf("DefaultSpeed(6250) = %v, want 50 (a fifth of the horizon in 20–25 s)", got)
	}
	if got := live.DefaultSpeed(0); got != 100 {
		t.Errorf("DefaultSpeed(0) = %v", got)
	}
	ladder := live.SpeedLadder()
	v := ladder[0]
	for i := 1; i < len(ladder); i++ {
		next := live.FasterSpeed(v)
		if next != ladder[i] || live.SlowerSpeed(next) != v {
			t.Fatalf("ladder walk broke at %v → %v", v, next)
		}
		v = next
	}
	if !math.IsInf(live.FasterSpeed(live.Unlimited), 1) || live.SlowerSpeed(2) != 2 {
		t.Error("ladder ends")
	}
}

// Loaded data fix n, d and s: SetProblem is refused, a new seed only
// re-draws the random streams of SGD and SGF.
func TestLoadedData(t *testing.T) {
	sc := simtest.Paper(sim.GF, sim.SGF)
	p, err := problem.Generate(sc.Spec)
	if err != nil {
		t.Fatal(err)
	}
	p.Source = "data.json"
	sc.Data, sc.Spec = p, problem.Spec{}
	r := simtest.Start(t, sc, live.Options{Paused: true, ChunkSteps: 5})
	s := r.Snapshot()
	if !s.Problem.Loaded || s.Problem.N != 40 || s.Problem.S != 5 || s.Problem.Source != "data.json" {
		t.Fatalf("problem info %+v", s.Problem)
	}
	seq := s.Notice.Seq
	simtest.Send(t, r, live.SetProblem(20, 50, 2))
	s = simtest.WaitFor(t, r, "refusal", func(s *live.Snapshot) bool { return s.Notice.Seq > seq })
	if s.Problem.N != 40 || !strings.Contains(s.Notice.Text, "fixed") {
		t.Errorf("SetProblem on loaded data: %+v, %q", s.Problem, s.Notice.Text)
	}
	simtest.Send(t, r, live.Step(10))
	before := simtest.WaitFor(t, r, "10 steps", simtest.StepsDone(10)).Run(sim.SGF).Latest
	simtest.Send(t, r, live.NextSeed(), live.Step(10))
	after := simtest.WaitFor(t, r, "seed 2", func(s *live.Snapshot) bool { return s.Problem.Seed == 2 && simtest.StepsDone(10)(s) }).Run(sim.SGF).Latest
	if after.Loss == before.Loss {
		t.Error("a new seed did not change SGF's draws")
	}
}

// An algorithm beyond the base four runs when the scenario asks for it.
func TestExtraAlgorithm(t *testing.T) {
	extra := sim.Algo("hb")
	if !slices.Contains(sim.AllAlgos, extra) {
		t.Skip("the engine has no heavy-ball method")
	}
	r := simtest.Start(t, simtest.Paper(sim.GF, extra), live.Options{Paused: true, ChunkSteps: 5})
	simtest.Send(t, r, live.Step(20))
	s := simtest.WaitFor(t, r, "20 steps", simtest.StepsDone(20))
	if run := s.Run(extra); run == nil || !run.Enabled || run.Latest.Steps == 0 {
		t.Fatalf("hb run %+v", run)
	}
	if len(s.Runs) != 5 {
		t.Errorf("%d runs, want 5", len(s.Runs))
	}
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// A variant added live starts from the initialisation and catches up with
// the clock, replaying the live changes (its pin wins over them): it ends
// where the same variant shown from the start stands, bit for bit, while
// the other runs go on untouched. Toggled again, it is removed.
func TestVariantAddedLive(t *testing.T) {
	variant := sim.Algo("sgf:noise=0.03")
	change := live.SetParams(sim.Params{Step: 0.05, Noise: 0.05, Batch: 2})
	late := simtest.Start(t, simtest.Paper(sim.GF, sim.SGF), live.Options{Paused: true, ChunkSteps: 6})
	simtest.Send(t, late, live.Step(40))
	simtest.WaitFor(t, late, "40 steps", simtest.StepsDone(40))
	simtest.Send(t, late, change, live.Step(40))
	before := simtest.WaitFor(t, late, "80 steps", simtest.StepsDone(80))
	simtest.Send(t, late, live.ToggleVariant(variant))
	got := simtest.WaitFor(t, late, "catch-up", func(s *live.Snapshot) bool {
		r := s.Run(variant)
		return r != nil && r.Enabled && !r.CatchingUp && r.Latest.Steps == 80
	})
	if g, w := got.Run(sim.SGF).Latest, before.Run(sim.SGF).Latest; g != w {
		t.Errorf("adding the variant moved SGF: %+v, was %+v", g, w)
	}
	if got.Steps != 80 {
		t.Errorf("the clock moved to step %d while the variant caught up", got.Steps)
	}

	early := simtest.Start(t, simtest.Paper(sim.GF, sim.SGF, variant), live.Options{Paused: true, ChunkSteps: 6})
	simtest.Send(t, early, live.Step(40))
	simtest.WaitFor(t, early, "40 steps", simtest.StepsDone(40))
	simtest.Send(t, early, change, live.Step(40))
	want := simtest.WaitFor(t, early, "80 steps", simtest.StepsDone(80))
	if g, w := got.Run(variant).Latest, want.Run(variant).Latest; g.Loss != w.Loss || g.L1 != w.L1 || g.Time != w.Time || g.AlphaGeoMean != w.AlphaGeoMean {
		t.Errorf("%s added live reached %+v\nshown from the start: %+v", variant, g, w)
	}

	simtest.Send(t, late, live.ToggleVariant(variant))
	simtest.WaitFor(t, late, "removal", func(s *live.Snapshot) bool { return s.Run(variant) == nil && s.Run(sim.SGF).Enabled })
	simtest.Send(t, late, live.ToggleVariant(sim.GD))
	simtest.WaitFor(t, late, "a notice", func(s *live.Snapshot) bool { return strings.Contains(s.Notice.Text, "not a variant") })
}
