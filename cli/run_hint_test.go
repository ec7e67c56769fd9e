package cli

import (
	"context"
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// The hint of a run that diverged needs the GF limit, solved when the
// references were skipped. Ctrl+C during that solve cuts the hint back to
// the estimate at initialisation (no interpolator) and does not block: the
// hint is then exactly StableStep without a reference, and with the
// context alive it is StableStep at the GF limit.
func TestStableStepHintAfterInterrupt(t *testing.T) {
	p, err := problem.Generate(problem.Spec{N: 12, D: 60, S: 3, Beta: problem.BetaSpec{Kind: "pm1"}, Features: problem.FeatureSpec{Kind: "iso"}, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	in := sim.UniformInit(0.1, p.D)
	plan := runPlan{prob: p, cfg: sim.Config{Algos: []sim.Algo{sim.SGD}, Init: in, Params: sim.Params{Step: 5, Batch: 1}}}
	diverged := func() []runOutcome {
		return []runOutcome{{algo: sim.SGD, result: sim.RunResult{Diverged: &sim.DivergenceError{Algo: sim.SGD, Gamma: 5}}}}
	}

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cut := diverged()
	addStableStepHints(cancelled, plan, cut, sim.References{})
	if got, want := cut[0].result.Diverged.StableStep, sim.StableStep(p, in, sim.SGD, 1, nil); got != want || !(want > 0) {
		t.Errorf("interrupted: hint γ %g, want the estimate at initialisation %g", got, want)
	}

	whole := diverged()
	addStableStepHints(context.Background(), plan, whole, sim.References{})
	ref := sim.SolveReferences(context.Background(), p, in, sim.RefGFLimit).GFLimit
	if ref == nil {
		t.Fatal("no GF limit")
	}
	if got, want := whole[0].result.Diverged.StableStep, sim.StableStep(p, in, sim.SGD, 1, ref); got != want {
		t.Errorf("hint γ %g, want the estimate at the GF limit %g", got, want)
	}
	if whole[0].result.Diverged.StableStep == cut[0].result.Diverged.StableStep {
		t.Fatal("the two estimates agree here, so this test cannot tell them apart")
	}
}
