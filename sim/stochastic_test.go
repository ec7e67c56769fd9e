package sim_test

import (
	"math"
	"testing"

	"sgdbias/sim"
)

// §8 check 8: on sparse Gaussian problems (n=40, d=100, s=5, α=0.1, same γ),
// SGD ends with a lower test error and a lower ‖β‖₁ than GD in ≥ 90% of 12
// data draws, and its mean α_∞/α is clearly below GD's.
func TestSGDBeatsGDOnSparseProblems(t *testing.T) {
	skipInShortMode(t)
	const draws, alpha, gamma = 12, 0.1, 0.02
	wins := 0
	var ratioGD, ratioSGD float64
	for seed := uint64(1); seed <= draws; seed++ {
		p := sparseProblem(t, 40, 100, 5, 1000+seed)
		s := sim.NewSampler(p, sim.UniformInit(alpha, p.D))
		var final [2]sim.Sample
		for k, a := range []sim.Algo{sim.GD, sim.SGD} {
			m := newMethod(t, a, p, alpha, gamma, seed)
			runToConvergence(t, m, p, 1e-10, 2000)
			final[k] = s.Measure(m)
		}
		gd, sgd := final[0], final[1]
		if sgd.TestError < gd.TestError && sgd.L1 < gd.L1 {
			wins++
		}
		ratioGD += gd.AlphaGeoMean / alpha / draws
		ratioSGD += sgd.AlphaGeoMean / alpha / draws
	}
	if wins < 11 { // ≥ 90% of 12
		t.Errorf("SGD beat GD in %d of %d draws, want ≥ 11", wins, draws)
	}
	if ratioSGD > ratioGD-0.05 {
		t.Errorf("mean α_∞/α: SGD %.4f vs GD %.4f, want SGD clearly lower", ratioSGD, ratioGD)
	}
	t.Logf("SGD won %d/%d; mean α_∞/α GD %.4f SGD %.4f", wins, draws, ratioGD, ratioSGD)
}

// Same seed, same trajectory, bit for bit; Reset repeats it; another seed
// gives another one.
func TestStochasticMethodsAreDeterministic(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 71)
	for _, a := range []sim.Algo{sim.SGD, sim.SGF} {
		one := newMethod(t, a, p, 0.1, 0.02, 5)
		two := newMethod(t, a, p, 0.1, 0.02, 5)
		other := newMethod(t, a, p, 0.1, 0.02, 6)
		for _, m := range []sim.Method{one, two, other} {
			mustAdvance(t, m, 5)
		}
		first := append([]float64(nil), one.State().Beta...)
		one.Reset()
		mustAdvance(t, one, 5)
		for j := range first {
			if math.Float64bits(first[j]) != math.Float64bits(two.State().Beta[j]) ||
				math.Float64bits(first[j]) != math.Float64bits(one.State().Beta[j]) {
				t.Fatalf("%s: coordinate %d differs between identical runs", a, j)
			}
		}
		if relDist(other.State().Beta, first) < 1e-6 {
			t.Fatalf("%s: another seed gave the same trajectory", a)
		}
	}
}

// Live changes keep the trajectory: SetParams changes nothing in the state,
// and time then advances by the new step.
func TestLiveParameterChangeKeepsTrajectory(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 81)
	for _, a := range sim.AllAlgos {
		m := newMethod(t, a, p, 0.1, 0.01, 2)
		mustAdvance(t, m, 1)
		before := append([]float64(nil), m.State().Beta...)
		t0, k0 := m.State().Time, m.State().Steps
		if err := m.SetParams(sim.Params{Step: 0.04, Noise: 0.1, Batch: 4}); err != nil {
			t.Fatal(err)
		}
		if relDist(m.State().Beta, before) != 0 || m.State().Time != t0 {
			t.Fatalf("%s: SetParams changed the state", a)
		}
		if err := m.Step(); err != nil {
			t.Fatal(err)
		}
		if a != sim.GF && math.Abs(m.State().Time-t0-0.04) > 1e-12 {
			t.Fatalf("%s: time moved by %g after the change, want 0.04", a, m.State().Time-t0)
		}
		if m.State().Steps != k0+1 {
			t.Fatalf("%s: steps %d, want %d", a, m.State().Steps, k0+1)
		}
		if err := m.SetParams(sim.Params{Step: -1, Batch: 1}); err == nil || m.Params().Step != 0.04 {
			t.Fatalf("%s: a bad step was accepted or changed the parameters (err %v)", a, err)
		}
	}
}

// SGD with per-epoch reshuffling converges like plain SGD.
func TestReshuffledSGDConverges(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 91)
	cfg := sim.Config{Init: sim.UniformInit(0.1, p.D), Params: sim.Params{Step: 0.02, Batch: 5, Reshuffle: true}, Seed: 3}
	m, err := sim.NewMethod(sim.SGD, p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	runToConvergence(t, m, p, 1e-10, 2000)
}
