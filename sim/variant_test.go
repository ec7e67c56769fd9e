package sim_test

import (
	"errors"
	"math"
	"slices"
	"strings"
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

// A variant pins only what its algorithm uses (GF nothing), batch is a whole
// number, and a run listed twice is refused: each would label a run that
// differs in nothing. Every such error is about the algorithm list.
func TestVariantsRefusedUpFront(t *testing.T) {
	for _, s := range []string{"gd:noise=0.1", "gf:step=1", "sgd:momentum=0.5", "hb:batch=2", "sgd:batch=2.5", "sgd:batch=1e300", "sgd:batch=0", "gd,gd", "gd,GD ", "sgf:noise=0.1,sgf:noise=0.1"} {
		_, err := sim.ParseAlgos(s)
		var pe *param.Error
		if !errors.As(err, &pe) || pe.Param != param.Algos {
			t.Errorf("%q: got %v, want an algos error", s, err)
		}
	}
	for _, s := range []string{"gd:step=0.1", "sgf:noise=0.1:step=0.01", "sgd:batch=4", "lnsgd:label-noise=0.1", "hb:momentum=0.5", "gd,gd:step=0.02"} {
		if _, err := sim.ParseAlgos(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	// "all" stands for the four core algorithms only on its own; in a list
	// the message must say so rather than call it no algorithm at all.
	for _, s := range []string{"all,gf", "gd, all"} {
		_, err := sim.ParseAlgos(s)
		if err == nil || !strings.Contains(err.Error(), "on its own") {
			t.Errorf("%q: got %v, want all refused inside a list", s, err)
		}
	}
	s := validSetup()
	s.Algos = []sim.Algo{sim.GD, sim.GD}
	if err := s.Validate(); err == nil {
		t.Error("Setup.Validate accepted gd twice")
	}
}

// Any text: ParseAlgos never panics, and what it accepts is a list of known
// algorithms, each once, whose pins parse back.
func FuzzParseAlgos(f *testing.F) {
	for _, s := range []string{"gf,gd", "all", "gd:step=0.02", "sgf:noise=0.1:step=0.01", "sgd:batch=1e300", "gd,gd", ":", ",,", "hb:momentum=NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		algos, err := sim.ParseAlgos(s)
		if err != nil {
			return
		}
		seen := map[sim.Algo]bool{}
		for _, a := range algos {
			if seen[a] || !slices.Contains(sim.AllAlgos, a.Base()) {
				t.Fatalf("%q: accepted %v", s, algos)
			}
			seen[a] = true
			for _, p := range a.Pins() {
				if p.Key == "batch" && (p.Value < 1 || p.Value != math.Trunc(p.Value)) {
					t.Fatalf("%q: batch pin %v", s, p.Value)
				}
			}
		}
	})
}

func TestReadsParam(t *testing.T) {
	cases := []struct {
		algo sim.Algo
		key  string
		want bool
	}{
		{"sgf", "noise", true},
		{"sgf:noise=0.1", "noise", false}, // the pin wins over the live value
		{"sgf:noise=0.1", "step", true},
		{"gd", "noise", false},
		{"gf", "step", false},
		{"lnsgd:batch=2", "label-noise", true},
		{"sgd:batch=2", "batch", false},
	}
	for _, c := range cases {
		if got := c.algo.ReadsParam(c.key); got != c.want {
			t.Errorf("%s reads %s: %v, want %v", c.algo, c.key, got, c.want)
		}
	}
	if got := sim.ParamReaders("batch"); !slices.Equal(got, []sim.Algo{sim.SGD, sim.LNSGD}) {
		t.Errorf("readers of batch: %v, want [sgd lnsgd]", got)
	}
}
