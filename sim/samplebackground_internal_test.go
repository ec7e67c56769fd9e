package sim

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// runSamples runs a fresh method a on p through Run and returns every
// sample it emitted, its result and how many samples were taken in the
// background.
func runSamples(t *testing.T, a Algo, p Params, horizon Horizon, samples int) ([]Sample, RunResult, int) {
	t.Helper()
	m, s := newBackgroundTestRun(t, a, p)
	var got []Sample
	opt := RunOptions{Horizon: horizon, Samples: samples, Spacing: Log, OnSample: func(smp Sample) { got = append(got, smp) }}
	res, err := Run(context.Background(), m, s, opt)
	if err != nil {
		t.Fatal(err)
	}
	res.Beta = slices.Clone(res.Beta)
	taken := 0
	if s.background != nil {
		taken = s.background.taken
	}
	return got, res, taken
}

// newBackgroundTestRun returns a fresh method a and a sampler on a problem
// large enough, with forceLossSplit, for samples in the background.
func newBackgroundTestRun(t *testing.T, a Algo, p Params) (Method, *Sampler) {
	t.Helper()
	prob := sparseGaussianProblem(24, 96, 5)
	prob.BetaStar = make([]float64, prob.D) // so that the test error is sampled too
	prob.BetaStar[0], prob.BetaStar[prob.D/2], prob.BetaStar[prob.D-1] = 1.5, -1, 0.7
	in := UniformInit(0.1, prob.D)
	m, err := NewMethod(a, prob, Config{Algos: []Algo{a}, Init: in, Params: p, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	return m, NewSampler(prob, in)
}

// Samples taken in the background from a copy of the state are the
// samples taken in place, bit for bit, in the same order, with the same
// result: for every method that steps on one core, for runs that reach
// the horizon, converge, and diverge.
func TestBackgroundSamplesMatchInPlace(t *testing.T) {
	forceLossSplit(t)
	if !lossOnTwoCores(sparseGaussianProblem(24, 96, 5)) {
		t.Skip("one core: GOMAXPROCS is 1")
	}
	params := Params{Step: 0.01, Batch: 1, LabelNoise: 0.01, Momentum: 0.5}
	cases := []struct {
		algo      Algo
		params    Params
		horizon   Horizon
		want      Status
		takesSome bool // the background must be used
	}{
		{SGD, params, Horizon{Steps: 4000}, StatusHorizon, true},
		{"sgd:batch=4", params, Horizon{Steps: 4000}, StatusHorizon, true},
		{LNSGD, params, Horizon{Steps: 4000}, StatusHorizon, true},
		{HB, params, Horizon{Steps: 3000}, StatusHorizon, true},
		{SGD, params, Horizon{Steps: 400000, Tol: 1e-4}, StatusConverged, true},
		// Large label noise blows SGD up after 357 steps, with samples in
		// the background by then; a large step blows it up at once.
		{LNSGD, Params{Step: 0.1, Batch: 1, LabelNoise: 10}, Horizon{Steps: 40000}, StatusDiverged, true},
		{SGD, params.WithStep(2), Horizon{Steps: 4000}, StatusDiverged, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s,step=%g,%s", c.algo, c.params.Step, c.want), func(t *testing.T) {
			backgroundSamples = false
			inPlace, inPlaceRes, _ := runSamples(t, c.algo, c.params, c.horizon, 120)
			backgroundSamples = true
			got, res, taken := runSamples(t, c.algo, c.params, c.horizon, 120)
			if res.Status != c.want || inPlaceRes.Status != c.want {
				t.Fatalf("status %s in the background, %s in place; want %s", res.Status, inPlaceRes.Status, c.want)
			}
			if c.takesSome && taken == 0 {
				t.Fatalf("no sample of %d was taken in the background", len(got))
			}
			if !slices.Equal(got, inPlace) {
				t.Fatalf("%d samples (%d in the background) differ from the %d taken in place", len(got), taken, len(inPlace))
			}
			if res.Final != inPlaceRes.Final || !slices.Equal(res.Beta, inPlaceRes.Beta) || res.Converged != inPlaceRes.Converged {
				t.Fatalf("result differs: %+v against %+v", res.Final, inPlaceRes.Final)
			}
			t.Logf("%d samples, %d in the background", len(got), taken)
		})
	}
	backgroundSamples = true
}

// A run cancelled while a sample is in the background still emits it
// before it returns: the samples it emitted are the first ones of the
// whole run, and its result is the last of them.
func TestBackgroundSamplesCancelled(t *testing.T) {
	forceLossSplit(t)
	if !lossOnTwoCores(sparseGaussianProblem(24, 96, 5)) {
		t.Skip("one core: GOMAXPROCS is 1")
	}
	params := Params{Step: 0.01, Batch: 1}
	whole, _, _ := runSamples(t, SGD, params, Horizon{Steps: 40000}, 120)
	for _, stopAfter := range []int{70, 80, 90} {
		m, s := newBackgroundTestRun(t, SGD, params)
		ctx, cancel := context.WithCancel(context.Background())
		var got []Sample
		opt := RunOptions{Horizon: Horizon{Steps: 40000}, Samples: 120, Spacing: Log, OnSample: func(smp Sample) {
			if got = append(got, smp); len(got) == stopAfter {
				cancel()
			}
		}}
		res, err := Run(ctx, m, s, opt)
		cancel()
		if err != context.Canceled {
			t.Fatalf("cancelled after %d samples: error %v", stopAfter, err)
		}
		if s.background == nil || s.background.taken == 0 || s.background.pending {
			t.Fatalf("cancelled after %d samples: the background was not used, or left a sample in it", stopAfter)
		}
		if len(got) <= stopAfter-1 || !slices.Equal(got, whole[:len(got)]) || res.Final != got[len(got)-1] {
			t.Fatalf("cancelled after %d samples: %d emitted, not the first of the whole run's %d, or the result is not the last", stopAfter, len(got), len(whole))
		}
	}
}
