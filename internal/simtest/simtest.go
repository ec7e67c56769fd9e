// Package simtest holds the fixtures that the tests of several packages
// share, as net/http/httptest does for HTTP: the seed paper's scenario with
// a fixed step, a live runner that stops with its test, waiting for a
// snapshot, and a sparse regression problem drawn independently of the
// problem package's generator.
//
// Waits poll with a generous deadline that only guards against a hang; no
// test asserts on how long anything took.
package simtest

import (
	"math/rand/v2"
	"testing"
	"time"

	"sgdbias/sim"
	"sgdbias/sim/live"
	"sgdbias/sim/problem"
)

// Paper is the seed paper's setting (theory.md §8 check 8: n = 40, d = 100,
// s = 5, α = 0.1, γ = 0.08) with a fixed step, independent of the shipped
// preset, so that tests and goldens change only when the code does.
func Paper(algos ...sim.Algo) live.Scenario {
	return live.Scenario{Setup: sim.Setup{
		Spec: problem.Spec{N: 40, D: 100, S: 5, Beta: problem.BetaSpec{Kind: "pm1"},
			Features: problem.FeatureSpec{Kind: "iso"}, Seed: 1},
		Algos: algos, Alpha: 0.1, Params: sim.Params{Step: 0.08, Noise: 0.08, Batch: 1}, Seed: 1,
		Horizon: sim.Horizon{Steps: 6250},
	}}
}

// Start starts a runner and stops it when the test ends.
func Start(t testing.TB, sc live.Scenario, opt live.Options) *live.Runner {
	t.Helper()
	r, err := live.Start(sc, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r
}

// StartPaused starts a paused runner with a fixed chunk, so that what it
// shows depends only on the commands it gets.
func StartPaused(t testing.TB, sc live.Scenario) *live.Runner {
	t.Helper()
	return Start(t, sc, live.Options{Paused: true, ChunkSteps: 8})
}

// hangGuard is how long a wait may take before the test fails: long enough
// never to fire on a loaded machine under the race detector.
const hangGuard = 60 * time.Second

// WaitFor polls the runner's snapshots until cond holds, and returns that
// snapshot.
func WaitFor(t testing.TB, r *live.Runner, what string, cond func(*live.Snapshot) bool) *live.Snapshot {
	t.Helper()
	deadline := time.Now().Add(hangGuard)
	for {
		ch := r.Changed()
		s := r.Snapshot()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; last snapshot: t=%v steps=%d state=%v notice=%q",
				what, s.Time, s.Steps, s.State, s.Notice.Text)
		}
		select {
		case <-ch:
		case <-r.Done():
			if s := r.Snapshot(); !cond(s) {
				t.Fatalf("the runner stopped before %s", what)
			}
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Send queues commands, failing the test if one is dropped.
func Send(t testing.TB, r *live.Runner, cmds ...live.Command) {
	t.Helper()
	for _, c := range cmds {
		if !r.Send(c) {
			t.Fatalf("command %v dropped", c)
		}
	}
}

// StepsDone holds once the clock has made exactly n steps and stopped.
func StepsDone(n int64) func(*live.Snapshot) bool {
	return func(s *live.Snapshot) bool { return s.Steps == n && s.State != live.Running }
}

// StepsPast holds once the clock has made more than n steps.
func StepsPast(n int64) func(*live.Snapshot) bool {
	return func(s *live.Snapshot) bool { return s.Steps > n }
}

// Settled reports whether a stopped runner has nothing left to compute: the
// references are solved and every shown run has its prediction for its
// current state, solved cold (Final), so its snapshot will not change any
// more.
func Settled(s *live.Snapshot) bool {
	if s.State == live.Running || !s.Refs.Ready {
		return false
	}
	for _, r := range s.Enabled() {
		if r.CatchingUp {
			return false
		}
		if r.Diverged == nil && (r.Prediction == nil || r.Prediction.Steps != r.Latest.Steps || !r.Prediction.Final) {
			return false
		}
	}
	return true
}

// SettledAt holds once the runner has settled after exactly steps steps.
func SettledAt(steps int64) func(*live.Snapshot) bool {
	return func(s *live.Snapshot) bool { return s.Steps == steps && Settled(s) }
}

// SparseProblem builds y = Xβ* with x_i ~ N(0, I_d) and β* = ±1 on the
// first s coordinates, independently of the problem package's generator.
func SparseProblem(n, d, s int, seed uint64) *problem.Problem {
	rng := rand.New(rand.NewPCG(seed, 99))
	p := &problem.Problem{N: n, D: d, X: make([]float64, n*d), Y: make([]float64, n), BetaStar: make([]float64, d)}
	for j := 0; j < s; j++ {
		p.BetaStar[j] = float64(1 - 2*rng.IntN(2))
	}
	for i := range p.X {
		p.X[i] = rng.NormFloat64()
	}
	for i := 0; i < n; i++ {
		for j, x := range p.Row(i) {
			p.Y[i] += x * p.BetaStar[j]
		}
	}
	p.Finish()
	return p
}
