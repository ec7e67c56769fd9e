package live

import (
	"math"
	"slices"
	"testing"

	"sgdbias/sim"
)

// A snapshot's α_t per coordinate agrees with the run's sample (its
// smallest, largest and geometric mean, computed by sim.Sampler), is
// sorted, covers every coordinate once, and marks exactly the support of β*.
func TestAlphaProfile(t *testing.T) {
	r := start(t, paper(sim.GF, sim.SGF), Options{Paused: true, ChunkSteps: 8})
	r.Send(Step(150))
	s := waitFor(t, r, "150 steps", func(s *Snapshot) bool { return s.Steps == 150 })
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
func isSupport(r *Runner, j int) bool {
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
	sc := paper(sim.GF)
	sc.Alpha = 100
	r := start(t, sc, Options{Paused: true, ChunkSteps: 8})
	s := waitFor(t, r, "the references", func(s *Snapshot) bool { return s.Refs.Ready })
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
