package cli

import (
	"bytes"
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// hintCase is a run of SGD that diverged on a small problem, with the
// references skipped, ready for addStableStepHints.
func hintCase(t *testing.T, n int) (runPlan, func() []runOutcome) {
	t.Helper()
	p, err := problem.Generate(problem.Spec{N: n, D: 60, S: 3, Beta: problem.BetaSpec{Kind: "pm1"}, Features: problem.FeatureSpec{Kind: "iso"}, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	plan := runPlan{prob: p, cfg: sim.Config{Algos: []sim.Algo{sim.SGD}, Init: sim.UniformInit(0.1, p.D), Params: sim.Params{Step: 5, Batch: 1}}}
	return plan, func() []runOutcome {
		return []runOutcome{{algo: sim.SGD, result: sim.RunResult{Diverged: &sim.DivergenceError{Algo: sim.SGD, Gamma: 5}}}}
	}
}

// The hint of a run that diverged needs the GF limit, solved when the
// references were skipped. Ctrl+C during that solve cuts the hint back to
// the estimate at initialisation (no interpolator), says so, and does not
// block: the hint is then exactly StableStep without a reference, and with
// the context alive it is StableStep at the GF limit.
func TestStableStepHintAfterInterrupt(t *testing.T) {
	plan, diverged := hintCase(t, 12)
	p, in := plan.prob, plan.cfg.Init
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cut := diverged()
	addStableStepHints(cancelled, plan, cut, sim.References{}, nil)
	d := cut[0].result.Diverged
	if got, want := d.StableStep, sim.StableStep(p, in, sim.SGD, 1, nil); got != want || !(want > 0) {
		t.Errorf("interrupted: hint γ %g, want the estimate at initialisation %g", got, want)
	}
	if !d.StableStepAtInit || !strings.Contains(d.Hint(), "at initialisation (a rough estimate: the GF limit was not solved)") {
		t.Errorf("interrupted: the hint does not say it is from initialisation: %q", d.Hint())
	}

	whole := diverged()
	addStableStepHints(context.Background(), plan, whole, sim.References{}, nil)
	ref := sim.SolveReferences(context.Background(), p, in, sim.RefGFLimit).GFLimit
	if ref == nil {
		t.Fatal("no GF limit")
	}
	d = whole[0].result.Diverged
	if got, want := d.StableStep, sim.StableStep(p, in, sim.SGD, 1, ref); got != want || d.StableStepAtInit {
		t.Errorf("hint γ %g (at initialisation: %v), want the estimate at the GF limit %g", got, d.StableStepAtInit, want)
	}
	if d.StableStep == cut[0].result.Diverged.StableStep {
		t.Fatal("the two estimates agree here, so this test cannot tell them apart")
	}
}

// A problem too large to solve for a hint (n²·d above its bound, or a
// solver of more than three times X) gets the estimate at initialisation
// and no solve at all; below, a solve long enough (either notice level) is
// announced first. With the references computed, even if they failed,
// nothing is solved again.
func TestStableStepHintSolveBounded(t *testing.T) {
	saved := [4]float64{hintSolveMaxWork, hintSolveMemoryFloor, hintSolveNoticeWork, hintSolveNoticeEntries}
	t.Cleanup(func() {
		hintSolveMaxWork, hintSolveMemoryFloor, hintSolveNoticeWork, hintSolveNoticeEntries = saved[0], saved[1], saved[2], saved[3]
	})
	hints := func(n int, references bool) (*sim.DivergenceError, int64, string) {
		plan, diverged := hintCase(t, n)
		plan.references = references
		var solves atomic.Int64
		var notice bytes.Buffer
		out := diverged()
		addStableStepHints(sim.CountSolves(context.Background(), &solves), plan, out, sim.References{}, &notice)
		return out[0].result.Diverged, solves.Load(), notice.String()
	}
	const n, d = 12, 60
	work, entries := float64(n*n*d), float64(n*d)

	hintSolveMaxWork, hintSolveNoticeWork, hintSolveNoticeEntries = work-1, 0, 0
	if dv, solves, notice := hints(n, false); solves != 0 || notice != "" || !dv.StableStepAtInit {
		t.Errorf("n²d above the bound: %d solves, notice %q, at initialisation %v", solves, notice, dv.StableStepAtInit)
	}
	hintSolveMaxWork, hintSolveMemoryFloor = work, 0
	// At n = 4 the solver's n + 12 vectors are more than three times X.
	if dv, solves, notice := hints(4, false); solves != 0 || notice != "" || !dv.StableStepAtInit {
		t.Errorf("n = 4, a solver of four times X: %d solves, notice %q, at initialisation %v", solves, notice, dv.StableStepAtInit)
	}
	if dv, solves, notice := hints(n, false); solves != 1 || !strings.Contains(notice, "solving the GF limit for the stable-step hint (Ctrl+C skips it)") || dv.StableStepAtInit {
		t.Errorf("n = 12, at the bound of work: %d solves, notice %q, at initialisation %v", solves, notice, dv.StableStepAtInit)
	}
	hintSolveNoticeWork = work + 1
	if _, solves, notice := hints(n, false); solves != 1 || !strings.Contains(notice, "stable-step hint") {
		t.Errorf("n·d at its notice level: %d solves, notice %q", solves, notice)
	}
	hintSolveNoticeEntries = entries + 1
	if _, solves, notice := hints(n, false); solves != 1 || notice != "" {
		t.Errorf("a quick solve: %d solves, notice %q", solves, notice)
	}
	if dv, solves, _ := hints(n, true); solves != 0 || !dv.StableStepAtInit { // they ran and found no GF limit
		t.Errorf("references already tried: %d solves, at initialisation %v", solves, dv.StableStepAtInit)
	}
}
