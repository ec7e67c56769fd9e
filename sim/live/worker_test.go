package live

import (
	"context"
	"strings"
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// A cancelled context stops the reference solves before their first Newton
// step: Stop relies on it to end a runner in the middle of a long solve.
func TestSolveRefsCancelled(t *testing.T) {
	p, err := problem.Generate(problem.Spec{N: 40, D: 100, S: 5, Beta: problem.BetaSpec{Kind: "pm1"},
		Features: problem.FeatureSpec{Kind: "iso"}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	in := sim.UniformInit(0.1, p.D)
	if refs, gf := solveRefs(context.Background(), p, in); !refs.HasGFLimit || !refs.HasMinL1 || gf == nil {
		t.Fatalf("uncancelled solves failed: %+v", refs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	refs, gf := solveRefs(ctx, p, in)
	if refs.HasGFLimit || gf != nil || !strings.Contains(refs.Err, context.Canceled.Error()) {
		t.Errorf("cancelled solves: %+v (GF limit %v); want none, and the cancellation as the error", refs, gf != nil)
	}
}
