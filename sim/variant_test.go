package sim_test

import (
	"errors"
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/param"
)

// A variant runs its base algorithm with the pinned parameters, keeps them
// through live changes of the others, and is labelled by what it pins.
func TestVariantPinsItsParameters(t *testing.T) {
	algos, err := sim.ParseAlgos("gd, GD:step=0.01, sgf:noise=0.2:step=0.02")
	if err != nil {
		t.Fatal(err)
	}
	if len(algos) != 3 || algos[1] != "gd:step=0.01" || algos[1].Base() != sim.GD || algos[2].Base() != sim.SGF {
		t.Fatalf("parsed %v", algos)
	}
	p := sparseProblem(t, 20, 50, 3, 5)
	cfg := sim.Config{Init: sim.UniformInit(0.1, p.D), Params: sim.Params{Step: 0.04, Noise: 0.04, Batch: 1}, Seed: 3}
	plain, _ := sim.NewMethod(sim.GD, p, cfg)
	variant, err := sim.NewMethod("gd:step=0.01", p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	reference, _ := sim.NewMethod(sim.GD, p, sim.Config{Init: cfg.Init, Params: sim.Params{Step: 0.01, Batch: 1}})
	for _, m := range []sim.Method{plain, variant, reference} {
		mustAdvance(t, m, 2)
	}
	if variant.Algo() != "gd:step=0.01" || variant.State().Steps != 200 || plain.State().Steps != 50 {
		t.Fatalf("variant %s took %d steps, plain gd %d", variant.Algo(), variant.State().Steps, plain.State().Steps)
	}
	if relDist(variant.State().Beta, reference.State().Beta) != 0 {
		t.Fatal("the variant differs from gd run at its pinned step")
	}
	if err := variant.SetParams(sim.Params{Step: 0.08, Batch: 2}); err != nil {
		t.Fatal(err)
	}
	if got := variant.Params(); got.Step != 0.01 || got.Batch != 2 {
		t.Fatalf("after a live change: %+v, want step pinned at 0.01 and batch 2", got)
	}
	for _, bad := range []string{"gd:gamma=0.1", "gd:step", "gd:step=x", "gd:step=0.1:step=0.2", "adam:step=0.1"} {
		var pe *param.Error
		if _, err := sim.ParseAlgos(bad); !errors.As(err, &pe) || pe.Param != param.Algos {
			t.Errorf("%q: got %v", bad, err)
		}
	}
	if _, err := sim.NewMethod("gd:step=-1", p, cfg); err == nil {
		t.Error("a pinned step of -1 was accepted")
	}
}
