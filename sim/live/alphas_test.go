package live_test

import (
	"math"
	"sgdbias/internal/simtest"
	"sgdbias/sim/live"
	"slices"
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// A snapshot's α_t per coordinate agrees with the run's sample (its
// smallest, largest and geometric mean, computed by sim.Sampler), is
// sorted, covers every coordinate once, and marks exactly the support of β*.
func TestAlphaProfile(t *testing.T) {
	r := simtest.Start(t, simtest.Paper(sim.GF, sim.SGF), live.Options{Paused: true, ChunkSteps: 8})
	r.Send(live.Step(150))
	s := simtest.WaitFor(t, r, "150 steps", func(s *live.Snapshot) bool { return s.Steps == 150 })
	for _, run := range s.Enabled() {
		p := run.Alphas
		if p == nil {
			t.Fatalf("%s: no profile", run.Algo)
		}
		if !slices.IsSorted(p.Alpha) {
			t.Errorf("%s: not sorted", run.Algo)
		}
		coords := slices.Clone(p.Coord)
		slices.Sort(coords)
		for j, c := range coords {
			if c != j {
				t.Fatalf("%s: coordinates %v are not 0…d−1 once each", run.Algo, coords)
			}
		}
		l := run.Latest
		sum := 0.0
		for _, a := range p.Alpha {
			sum += math.Log(a)
		}
		geo := math.Exp(sum / float64(len(p.Alpha)))
		for _, c := range [][2]float64{{p.Alpha[0], l.AlphaMin}, {p.Alpha[len(p.Alpha)-1], l.AlphaMax}, {geo, l.AlphaGeoMean}} {
			if math.Abs(c[0]-c[1]) > 1e-12*c[1] {
				t.Errorf("%s: profile %v, sample %v", run.Algo, c[0], c[1])
			}
		}
		support := 0
		for i, on := range p.Support {
			if on {
				support++
			}
			if on != isSupport(r, p.Coord[i]) {
				t.Errorf("%s: entry %d (coordinate %d) marked %v", run.Algo, i, p.Coord[i], on)
			}
		}
		if support != s.Problem.S {
			t.Errorf("%s: %d marked, s = %d", run.Algo, support, s.Problem.S)
		}
		lo, hi, sup := p.Columns(7)
		marked := 0
		for c := range lo {
			if lo[c] > hi[c] || (c > 0 && lo[c] < hi[c-1]) {
				t.Errorf("%s: column %d [%v, %v] out of order", run.Algo, c, lo[c], hi[c])
			}
			if sup[c] {
				marked++
			}
		}
		if lo[0] != p.Alpha[0] || hi[6] != p.Alpha[len(p.Alpha)-1] || marked == 0 {
			t.Errorf("%s: columns do not span the profile or mark no support", run.Algo)
		}
	}
	// GF keeps α_t = α on every coordinate (§4): a flat profile.
	if p := s.Run(sim.GF).Alphas; math.Abs(p.Alpha[0]-0.1) > 1e-9 || math.Abs(p.Alpha[len(p.Alpha)-1]-0.1) > 1e-9 {
		t.Errorf("GF's α_t spans [%v, %v], want 0.1", p.Alpha[0], p.Alpha[len(p.Alpha)-1])
	}
}

// isSupport reports whether β*_j ≠ 0: the strip's coordinates hold the
// whole support (5 coordinates of |β*| = 1 among the 16 largest).
func isSupport(r *live.Runner, j int) bool {
	cp := r.Snapshot()
	for i, c := range cp.Coords {
		if c == j {
			return cp.StarTop[i] != 0
		}
	}
	return false
}

// The minimum-ℓ₂ level is the kernel regime's: never below the minimum ℓ₁
// norm, and the GF limit's ‖β‖₁ at large α (theory.md §4: argmin φ_α tends
// to the minimum-ℓ₂ interpolator as α → ∞).
func TestMinL2Reference(t *testing.T) {
	sc := simtest.Paper(sim.GF)
	sc.Alpha = 100
	r := simtest.Start(t, sc, live.Options{Paused: true, ChunkSteps: 8})
	s := simtest.WaitFor(t, r, "the references", func(s *live.Snapshot) bool { return s.Refs.Ready })
	f := s.Refs
	if !f.HasMinL2 || !f.HasMinL1 || !f.HasGFLimit {
		t.Fatalf("references missing: %+v", f)
	}
	if f.MinL2 < f.MinL1*(1-1e-9) {
		t.Errorf("‖min-ℓ₂‖₁ = %v below the minimum ℓ₁ norm %v", f.MinL2, f.MinL1)
	}
	if math.Abs(f.GFLimitL1-f.MinL2) > 1e-3*f.MinL2 {
		t.Errorf("at α = 100 the GF limit's ‖β‖₁ %v is not the minimum-ℓ₂ level %v", f.GFLimitL1, f.MinL2)
	}
}

// Label-noise SGD (full batch, as in the label-noise preset): the runner
// solves the Lasso with λ_j = γδH_jj/(2n) (theory.md §6), checked here
// against theory.Lasso directly, solves it again when δ changes, and the
// run's time-averaged iterate comes near it while the last iterate need not.
func TestLassoReferenceAndAverage(t *testing.T) {
	sc := live.Scenario{Setup: sim.Setup{
		Spec:  problem.Spec{N: 20, D: 50, S: 3, Beta: problem.BetaSpec{Kind: "pm1"}, Features: problem.FeatureSpec{Kind: "iso"}, Seed: 7},
		Algos: []sim.Algo{sim.GD, sim.LNSGD}, Alpha: 0.1, Seed: 7,
		Params: sim.Params{Step: 0.01, Noise: 0.01, Batch: 20, LabelNoise: 20},
	}}
	r := simtest.Start(t, sc, live.Options{Paused: true, ChunkSteps: 64})
	r.Send(live.Step(100_000)) // t = 1000
	s := simtest.WaitFor(t, r, "t = 1000 and the Lasso", func(s *live.Snapshot) bool { return s.Steps == 100_000 && s.Refs.HasLasso })
	p, err := sc.Problem()
	if err != nil {
		t.Fatal(err)
	}
	lambda := make([]float64, p.D)
	for j := range lambda {
		lambda[j] = 0.01 * 20 * p.HDiag()[j] / (2 * float64(p.N))
	}
	lasso, err := theory.Lasso(p.N, p.D, p.X, p.Y, lambda, 1e-12)
	if err != nil {
		t.Fatal(err)
	}
	var l1 float64
	for _, b := range lasso {
		l1 += math.Abs(b)
	}
	if math.Abs(s.Refs.LassoL1-l1) > 1e-6*l1 {
		t.Errorf("Lasso ‖·‖₁ %v, theory.Lasso gives %v", s.Refs.LassoL1, l1)
	}
	avg := s.Run(sim.LNSGD).Average
	if avg == nil || s.LassoTop == nil {
		t.Fatal("no average or no Lasso on the strip's coordinates")
	}
	if !(avg.Since >= s.Time/4-1e-9 && avg.Since <= s.Time/2+1e-9) {
		t.Errorf("the average's window starts at %v, want within [t/4, t/2] of t = %v", avg.Since, s.Time)
	}
	var dist, norm float64
	for i := range s.Coords {
		dist += (avg.Top[i] - s.LassoTop[i]) * (avg.Top[i] - s.LassoTop[i])
		norm += s.LassoTop[i] * s.LassoTop[i]
	}
	if rel := math.Sqrt(dist / norm); rel > 0.1 {
		t.Errorf("time average %v vs Lasso %v on the top coordinates: %.3g relative", avg.Top, s.LassoTop, rel)
	}
	r.Send(live.SetParams(sim.Params{Step: 0.01, Noise: 0.01, Batch: 20, LabelNoise: 5}))
	simtest.WaitFor(t, r, "the Lasso at δ = 5", func(s *live.Snapshot) bool {
		return s.Params.LabelNoise == 5 && s.Refs.HasLasso && s.Refs.LassoL1 > l1*(1+1e-3)
	})
}
