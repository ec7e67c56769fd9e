package sim_test

import (
	"context"
	"math"
	"runtime"
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// allocatedBy is the bytes f allocates on the heap (every allocation,
// freed or not): a count of the vectors a run makes, independent of timing.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// runGD builds GD on p and runs it for a few steps, sampling as `sgdbias
// run` does, with ln α_t per coordinate at the end when effectiveInit.
func runGD(t *testing.T, p *problem.Problem, effectiveInit bool) sim.RunResult {
	cfg := sim.Config{Algos: []sim.Algo{sim.GD}, Init: sim.UniformInit(0.1, p.D), Params: sim.Params{Step: 1e-5, Noise: 1e-5, Batch: 1}}
	m, err := sim.NewMethod(sim.GD, p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sim.Run(context.Background(), m, sim.NewSampler(p, cfg.Init), sim.RunOptions{
		Horizon: sim.Horizon{Steps: 5}, Samples: 20, Spacing: sim.Log, EffectiveInit: effectiveInit,
	})
	if err != nil || res.Status != sim.StatusHorizon {
		t.Fatalf("GD: %v, status %s", err, res.Status)
	}
	return res
}

// The memory model of a run: beyond X (and β*, the problem's), GD allocates
// its four vectors of length d — w₊, w₋, β and the gradient — and nothing
// else of that length: no α vector (uniform α is a scalar), no diag(H), no
// copy of β for the result, no ln α_t for the sampler. The JSON report's
// ln α_t per coordinate is one more when asked for. At d = 4e5 a vector is
// 3.2 MB, so a fifth would be caught well above the O(n) and O(1) buffers.
func TestGDRunAllocatesFourVectors(t *testing.T) {
	const n, d = 2, 400_000 // n·d below GD's two-core split, whose blocks are sized by X
	p := sparseProblem(t, n, d, 3, 7)
	vector := float64(8 * d)
	got := float64(allocatedBy(func() { runGD(t, p, false) })) / vector
	t.Logf("GD run: %.3f vectors of length d", got)
	if got > 4.1 {
		t.Errorf("a GD run allocated %.2f vectors of length d; want at most 4 (w₊, w₋, β, gradient)", got)
	}
	if got < 3.9 {
		t.Errorf("a GD run allocated %.2f vectors of length d; its state alone is 4: the measure is broken", got)
	}
	withAlpha := float64(allocatedBy(func() { runGD(t, p, true) })) / vector
	if withAlpha > 5.1 {
		t.Errorf("a GD run keeping ln α_t allocated %.2f vectors of length d; want at most 5", withAlpha)
	}
}

// The result's β is the method's own state, not a copy, for a run that
// ended on a result.
func TestRunResultHandsOverBeta(t *testing.T) {
	p := sparseProblem(t, 10, 40, 3, 3)
	m := newMethod(t, sim.GD, p, 0.1, 0.01, 1)
	res, err := sim.Run(context.Background(), m, sim.NewSampler(p, sim.UniformInit(0.1, p.D)), sim.RunOptions{Horizon: sim.Horizon{Steps: 30}, Samples: 5})
	if err != nil {
		t.Fatal(err)
	}
	if &res.Beta[0] != &m.State().Beta[0] || res.LogAlpha != nil {
		t.Fatal("the result's β is a copy, or ln α_t was kept unasked")
	}
}

// A run that diverges is replayed to its last finite sample: its β and
// ln α_t are those of a fresh method stepped to that sample's step count
// (the same seed repeats the same draws), bit for bit, and the method
// still refuses to step.
func TestDivergedRunReplaysToLastFiniteSample(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 61)
	for _, a := range []sim.Algo{sim.GD, sim.SGD} {
		m := newMethod(t, a, p, 0.1, 5, 1)
		res, err := sim.Run(context.Background(), m, sim.NewSampler(p, sim.UniformInit(0.1, p.D)), sim.RunOptions{
			Horizon: sim.Horizon{Time: 1e4}, Samples: 100, Spacing: sim.Linear, EffectiveInit: true,
		})
		if err != nil || res.Diverged == nil {
			t.Fatalf("%s with γ = 5: err %v, divergence %v", a, err, res.Diverged)
		}
		fresh := newMethod(t, a, p, 0.1, 5, 1)
		for range res.Final.Steps {
			if err := fresh.Step(); err != nil {
				t.Fatalf("%s: the fresh run stopped before step %d: %v", a, res.Final.Steps, err)
			}
		}
		wantLogAlpha := make([]float64, p.D)
		fresh.LogEffectiveInit(wantLogAlpha)
		for j := range p.D {
			if math.Float64bits(res.Beta[j]) != math.Float64bits(fresh.State().Beta[j]) ||
				math.Float64bits(res.LogAlpha[j]) != math.Float64bits(wantLogAlpha[j]) {
				t.Fatalf("%s: coordinate %d: β %v, ln α_t %v; the fresh run at step %d has %v, %v",
					a, j, res.Beta[j], res.LogAlpha[j], res.Final.Steps, fresh.State().Beta[j], wantLogAlpha[j])
			}
		}
		if m.Step() == nil || m.Err() == nil {
			t.Fatalf("%s: the replayed method steps again", a)
		}
	}
}

// The sampler reads ln α_t in chunks from GD; its summary is the one of the
// whole vector, in the same order, to the bit (d is not a multiple of the
// chunk).
func TestSamplerChunkedSummaryMatchesWholeVector(t *testing.T) {
	p := sparseProblem(t, 8, 1234, 3, 5)
	m := newMethod(t, sim.GD, p, 0.3, 0.05, 1)
	mustAdvance(t, m, 2)
	got := sim.NewSampler(p, sim.UniformInit(0.3, p.D)).Measure(m)
	la := make([]float64, p.D)
	m.LogEffectiveInit(la)
	lo, hi, sum, sum0 := math.Inf(1), math.Inf(-1), 0.0, 0.0
	for _, v := range la {
		lo, hi, sum = math.Min(lo, v), math.Max(hi, v), sum+v
		sum0 += math.Log(0.3)
	}
	d := float64(p.D)
	if got.AlphaMin != math.Exp(lo) || got.AlphaMax != math.Exp(hi) ||
		got.AlphaGeoMean != math.Min(math.Max(math.Exp(sum/d), math.Exp(lo)), math.Exp(hi)) || got.GainMean != 2*(sum0-sum)/d {
		t.Fatalf("sample %+v; whole vector gives min %v max %v mean log %v", got, math.Exp(lo), math.Exp(hi), sum/d)
	}
	if hi-lo < 1e-3 {
		t.Fatalf("α_t barely moved (ln range %v): the check compares nothing", hi-lo)
	}
}
