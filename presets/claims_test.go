package presets_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"sgdbias/presets"
	"sgdbias/sim"
	"sgdbias/sim/sweep"
)

// claimReps is how many data seeds a preset's quoted numbers are averaged
// over ("over 20 data seeds" in the descriptions).
const claimReps = 20

// claim is a number a preset's description quotes as mean ± sd over
// claimReps data seeds.
type claim struct {
	algo   sim.Algo
	alpha  float64 // 0: the preset's
	metric sweep.Metric
	quote  string // "mean ± sd", as the description writes it
	runs   int    // the runs in the statistic: claimReps less the diverged (0: claimReps)
}

// sweepPreset runs a preset's scenario over claimReps data seeds, as
// 'sgdbias sweep --preset NAME --reps 20 [--alpha A,B]' does.
func sweepPreset(t *testing.T, name string, alphas string) []sweep.Summary {
	t.Helper()
	return sweepPresetSteps(t, name, alphas, "")
}

// sweepPresetSteps is sweepPreset over the step sizes steps (as --step
// gives them) instead of the preset's γ; "" keeps the preset's.
func sweepPresetSteps(t *testing.T, name, alphas, steps string) []sweep.Summary {
	t.Helper()
	sc, err := presets.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	setup, err := presets.SetupOf(sc)
	if err != nil {
		t.Fatal(err)
	}
	sp := setup.Spec
	s, err := sp.Check()
	if err != nil {
		t.Fatal(err)
	}
	p := setup.Params
	c := sweep.Config{
		Problem: sweep.ProblemConfig{Source: name, N: sp.N, D: sp.D, S: s, BetaStar: sc.BetaStar, Features: sc.Features, LabelSigma: sp.LabelSigma},
		Seed:    setup.Seed, Reps: claimReps, Algos: setup.Algos, Reshuffle: p.Reshuffle,
		LabelNoise: p.LabelNoise, Momentum: p.Momentum, Horizon: setup.Horizon,
		Grid: sweep.Grid{Alpha: sweep.Fixed(sweep.Alpha, setup.Alpha), Step: sweep.Fixed(sweep.Step, p.Step),
			Noise: sweep.Fixed(sweep.Noise, p.Noise), Batch: sweep.Fixed(sweep.Batch, float64(p.Batch))},
	}
	if alphas != "" {
		if c.Grid.Alpha, err = sweep.ParseGrid(sweep.Alpha, alphas); err != nil {
			t.Fatal(err)
		}
	}
	if steps != "" {
		if c.Grid.Step, err = sweep.ParseGrid(sweep.Step, steps); err != nil {
			t.Fatal(err)
		}
	}
	if c.Horizon.Tol == 0 {
		c.Horizon.Tol = 1e-8 // the sweep's default
	}
	res, err := sweep.Run(context.Background(), c, sweep.Options{NoTiming: true})
	if err != nil {
		t.Fatal(err)
	}
	return sweep.Summarize(c, res.Records)
}

// checkClaims asserts that each claim is quoted in the description as
// "mean ± sd" and agrees with the sweep: the mean to within the quoted
// rounding (half a unit of its last digit, or a tenth of the sd), the sd
// within a quarter.
func checkClaims(t *testing.T, name, alphas string, claims []claim) {
	t.Helper()
	sc, _ := presets.Get(name)
	sums := sweepPreset(t, name, alphas)
	for _, c := range claims {
		quoted := c.quote
		var mean, sd float64
		if _, err := fmt.Sscanf(strings.Replace(quoted, " ± ", " ", 1), "%g %g", &mean, &sd); err != nil {
			t.Fatalf("claim %q: %v", quoted, err)
		}
		if c.runs == 0 {
			c.runs = claimReps
		}
		if !strings.Contains(sc.About, quoted) {
			t.Errorf("%s: the description does not quote %q", name, quoted)
		}
		var st sweep.Stat
		for _, s := range sums {
			if s.Algo == c.algo && (c.alpha == 0 || s.Point.Alpha == c.alpha) {
				st = s.Stat(c.metric)
			}
		}
		if st.Mean == nil || st.SD == nil || st.N != c.runs {
			t.Errorf("%s %s %s: no statistic over %d runs (%+v)", name, c.algo, c.metric, c.runs, st)
			continue
		}
		if tol := math.Max(sd/10, 0.005); math.Abs(*st.Mean-mean) > tol {
			t.Errorf("%s %s %s: mean %.4g over %d seeds, quoted %s", name, c.algo, c.metric, *st.Mean, c.runs, quoted)
		}
		if math.Abs(*st.SD-sd) > sd/4+0.005 {
			t.Errorf("%s %s %s: sd %.4g over %d seeds, quoted %s", name, c.algo, c.metric, *st.SD, c.runs, quoted)
		}
	}
}

// slow-is-better: the noisier SGF ends with a smaller α_∞ and a lower test
// error than the other, over 20 data seeds.
func TestSlowIsBetterClaims(t *testing.T) {
	if testing.Short() {
		t.Skip("sweeps 20 data seeds")
	}
	checkClaims(t, "slow-is-better", "", []claim{
		{"sgf:noise=0.1", 0, sweep.AlphaRatio, "0.43 ± 0.09", 0},
		{"sgf", 0, sweep.AlphaRatio, "0.92 ± 0.01", 0},
		{"sgf:noise=0.1", 0, sweep.TestError, "0.2 ± 0.16", 0},
		{"sgf", 0, sweep.TestError, "0.68 ± 0.35", 0},
	})
}

// gain-shape: at t = 60 SGD's test error is far below GD's.
func TestGainShapeClaims(t *testing.T) {
	if testing.Short() {
		t.Skip("sweeps 20 data seeds")
	}
	checkClaims(t, "gain-shape", "", []claim{
		{"sgd", 0, sweep.TestError, "0.43 ± 0.59", 0},
		{"gd", 0, sweep.TestError, "5.6 ± 6.5", 0},
	})
}

// kernel-vs-rich: GF's test error from α = 1 (kernel) and α = 0.01 (rich).
func TestKernelVsRichClaims(t *testing.T) {
	if testing.Short() {
		t.Skip("sweeps 20 data seeds")
	}
	checkClaims(t, "kernel-vs-rich", "0.01,1", []claim{
		{"gf", 1, sweep.TestError, "3.1 ± 0.35", 0},
		{"gf", 0.01, sweep.TestError, "0.017 ± 0.016", 0},
	})
}

// edge-of-stability: GD at γ = 5e-3 tracks GF; at 1.75e-2 it diverges on
// some seeds and otherwise piles its gain up on the support and lands far
// from β*.
func TestEdgeOfStabilityClaims(t *testing.T) {
	if testing.Short() {
		t.Skip("sweeps 20 data seeds")
	}
	checkClaims(t, "edge-of-stability", "", []claim{
		{"gf", 0, sweep.TestError, "0.8 ± 0.72", 0},
		{"gd", 0, sweep.TestError, "1.3 ± 1.1", 0},
		{"gd:step=0.0175", 0, sweep.AlphaRatio, "0.17 ± 0.12", 12},
		{"gd:step=0.0175", 0, sweep.TestError, "1.6e4 ± 6e3", 12},
	})
}

// anisotropic: SGF's α_∞ spreads over the coordinates, from α_min (the
// coordinates of large variance, which lose most of their initialisation)
// to α_max near α (mean ± sd over 20 data seeds, at the preset's horizon).
func TestAnisotropicClaims(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 20 data seeds")
	}
	const name = "anisotropic"
	sc, err := presets.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	setup, err := presets.SetupOf(sc)
	if err != nil {
		t.Fatal(err)
	}
	var lo, hi []float64
	for r := range uint64(claimReps) {
		su := setup
		su.Seed = setup.Seed + r
		p, err := su.Problem()
		if err != nil {
			t.Fatal(err)
		}
		m, err := sim.NewMethod(sim.SGF, p, su.Config(p))
		if err != nil {
			t.Fatal(err)
		}
		h := su.Horizon
		if h.Tol == 0 {
			h.Tol = 1e-8
		}
		res, err := sim.Run(context.Background(), m, sim.NewSampler(p, su.Config(p).Init), sim.RunOptions{Horizon: h, Samples: 2})
		if err != nil {
			t.Fatal(err)
		}
		lo, hi = append(lo, res.Final.AlphaMin), append(hi, res.Final.AlphaMax)
	}
	for _, c := range []struct {
		quote string
		vals  []float64
	}{{"0.036 ± 0.012", lo}, {"0.0993 ± 0.0002", hi}} {
		st := sweep.Describe(c.vals)
		if !strings.Contains(sc.About, c.quote) {
			t.Errorf("the description does not quote %q", c.quote)
		}
		var mean, sd float64
		fmt.Sscanf(strings.Replace(c.quote, " ± ", " ", 1), "%g %g", &mean, &sd)
		if math.Abs(*st.Mean-mean) > math.Max(sd/10, 5e-4) || math.Abs(*st.SD-sd) > sd/4+1e-4 {
			t.Errorf("α_∞ over %d seeds: %.4g ± %.2g, quoted %s", claimReps, *st.Mean, *st.SD, c.quote)
		}
	}
}

// large-steps: at γ = 0.12 GD's α_∞ barely moves and its test error ends
// just above GF's, while SGD's α_∞ drops and its test error falls far
// below; at γ = 0.2 SGD diverges on some seeds.
func TestLargeStepsClaims(t *testing.T) {
	if testing.Short() {
		t.Skip("sweeps 20 data seeds")
	}
	checkClaims(t, "large-steps", "", []claim{
		{"gf", 0, sweep.TestError, "0.112 ± 0.12", 0},
		{"gd", 0, sweep.TestError, "0.115 ± 0.12", 0},
		{"gd", 0, sweep.AlphaRatio, "0.98 ± 0.006", 0},
		{"sgd", 0, sweep.AlphaRatio, "0.54 ± 0.1", 0},
		{"sgd", 0, sweep.TestError, "0.049 ± 0.068", 0},
	})
	sc, _ := presets.Get("large-steps")
	const quote = "at γ = 0.2 it diverges on 5 of the 20 seeds"
	if !strings.Contains(sc.About, quote) {
		t.Errorf("the description does not quote %q", quote)
	}
	for _, s := range sweepPresetSteps(t, "large-steps", "", "0.2") {
		if s.Algo == sim.SGD && (s.Runs != claimReps || s.Diverged != 5) {
			t.Errorf("SGD at γ = 0.2: %d of %d runs diverged, quoted 5 of 20", s.Diverged, s.Runs)
		}
	}
}
