package cli

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/live"
)

// Without a terminal on stdout the explorer prints the run summary, and
// its own flags do not trouble 'run'.
func TestExploreFallsBackToRunSummary(t *testing.T) {
	out, errOut, code := invoke(t, "--n", "12", "--d", "30", "--s", "3", "--time", "5", "--no-references", "--paused", "--speed", "inf", "--log-time")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if !strings.Contains(out, "algo") || !strings.Contains(out, "sgf") {
		t.Errorf("no run summary:\n%s", out)
	}
}

// The explorer's scenario is the one 'run' builds from the same flags;
// without --algo it shows GF and SGF.
func TestExploreScenarioFromFlags(t *testing.T) {
	for _, c := range []struct {
		args  []string
		algos []sim.Algo
	}{
		{[]string{"--n", "12", "--d", "30", "--s", "3", "--alpha", "0.05", "--step", "0.02"}, []sim.Algo{sim.GF, sim.SGF}},
		{[]string{"--algo", "gd,sgd", "--seed", "7"}, []sim.Algo{sim.GD, sim.SGD}},
	} {
		fs := flag.NewFlagSet("sgdbias", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		f := newRunFlags(fs)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		res, err := resolveSetup(inputs{}, f.scenario, f.scenario.Given())
		if err != nil {
			t.Fatal(err)
		}
		plan, _, err := f.planOf(res)
		if err != nil {
			t.Fatal(err)
		}
		sc := liveScenario(res)
		if !slices.Equal(sc.Algos, c.algos) {
			t.Errorf("%v: shows %v, want %v", c.args, sc.Algos, c.algos)
		}
		if sc.Spec.N != plan.prob.N || sc.Spec.D != plan.prob.D || sc.Alpha != plan.cfg.Init.At(0) ||
			sc.Params != plan.cfg.Params || sc.Seed != plan.cfg.Seed || sc.Spec.Seed != plan.cfg.Seed {
			t.Errorf("%v: scenario %+v differs from the run plan", c.args, sc)
		}
		r, err := live.Start(sc, live.Options{Paused: true})
		if err != nil {
			t.Fatal(err)
		}
		s := r.Snapshot()
		r.Stop()
		if s.Problem.N != plan.prob.N || s.Problem.D != plan.prob.D {
			t.Errorf("%v: the explorer drew n=%d d=%d", c.args, s.Problem.N, s.Problem.D)
		}
	}
}

func TestRunArgsDropsExplorerFlags(t *testing.T) {
	fs := flag.NewFlagSet("sgdbias", flag.ContinueOnError)
	newRunFlags(fs)
	fs.Bool("paused", false, "")
	fs.Float64("speed", 0, "")
	if err := fs.Parse([]string{"--n", "12", "--paused", "--speed", "3", "--alpha=0.2"}); err != nil {
		t.Fatal(err)
	}
	got := runArgs(fs)
	want := []string{"--alpha=0.2", "--n=12"}
	if !slices.Equal(got, want) {
		t.Errorf("runArgs = %v, want %v", got, want)
	}
}
