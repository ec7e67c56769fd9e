package theory

import (
	"fmt"
	"math"
	"testing"
)

// checkCertificate recomputes the certificate of a MinL1 result from scratch:
// Xβ = y, ‖Xᵀν‖_∞ ≤ 1 + 1e-9, ⟨y,ν⟩ = ‖β‖₁ (weak duality then makes β
// optimal), and X_Sᵀν = sign(β_S).
func checkCertificate(t *testing.T, in instance, r L1Result) {
	t.Helper()
	if !r.Certified {
		t.Fatalf("not certified: violation %.3g, gap %.3g", r.MaxDualViolation, r.DualGap)
	}
	if res := in.residualNorm(r.Beta) / math.Max(1, norm(in.y)); res > 1e-10 {
		t.Errorf("relative residual %.3g", res)
	}
	corr := in.xt(r.Nu)
	if v := normInf(corr) - 1; v > 1e-9 {
		t.Errorf("‖Xᵀν‖_∞ − 1 = %.3g", v)
	}
	l1, yNu := norm1(r.Beta), dot(in.y, r.Nu)
	if gap := math.Abs(l1-yNu) / math.Max(1, l1); gap > 1e-9 {
		t.Errorf("‖β‖₁ = %.15g but ⟨y,ν⟩ = %.15g", l1, yNu)
	}
	for _, j := range r.Support {
		if math.Abs(corr[j]-math.Copysign(1, r.Beta[j])) > 1e-9 {
			t.Errorf("support %d: (Xᵀν)_j = %.15g, sign(β_j) = %g", j, corr[j], math.Copysign(1, r.Beta[j]))
		}
	}
}

// TestMinL1MatchesSimplex compares with gonum's lp.Simplex on instances small
// enough for it (theory.md §7). On exact-recovery instances basis pursuit is
// degenerate (support smaller than n) and lp.Simplex does not terminate on
// some of them (e.g. (20,50), s=3, seed 3), so those use seeds it solves.
func TestMinL1MatchesSimplex(t *testing.T) {
	cases := []struct {
		n, d, s int
		noise   float64
		seeds   []uint64
	}{
		{15, 40, 3, 0.1, []uint64{1, 2, 3}},
		{20, 50, 4, 0.1, []uint64{1, 2, 3}},
		{15, 40, 2, 0, []uint64{1, 4}},
		{20, 50, 4, 0, []uint64{3, 4}},
	}
	for _, c := range cases {
		for _, seed := range c.seeds {
			t.Run(fmt.Sprintf("%dx%d/s=%d/noise=%g/seed=%d", c.n, c.d, c.s, c.noise, seed), func(t *testing.T) {
				in := gaussianInstance(seed, c.n, c.d, c.s, c.noise)
				want, err := in.lpMinL1()
				if err != nil {
					t.Fatal(err)
				}
				got, err := in.solver().MinL1()
				if err != nil {
					t.Fatal(err)
				}
				checkCertificate(t, in, got)
				if d := relDist(got.Beta, want); d > 1e-9 {
					t.Errorf("‖β − β_LP‖/‖β_LP‖ = %.3g", d)
				}
				t.Logf("distance to LP %.2g, |S| = %d, certified at α = %.0e", relDist(got.Beta, want), len(got.Support), got.Alpha)
			})
		}
	}
}

// TestMinL1CertifiedAtScale: sizes where lp.Simplex is unusable.
func TestMinL1CertifiedAtScale(t *testing.T) {
	cases := []struct {
		n, d, s int
		noise   float64
	}{
		{40, 100, 5, 0}, {40, 100, 5, 0.1}, {100, 400, 10, 0}, {100, 400, 10, 0.1},
	}
	for _, c := range cases {
		for seed := uint64(1); seed <= 2; seed++ {
			t.Run(fmt.Sprintf("%dx%d/s=%d/noise=%g/seed=%d", c.n, c.d, c.s, c.noise, seed), func(t *testing.T) {
				in := gaussianInstance(seed, c.n, c.d, c.s, c.noise)
				r, err := in.solver().MinL1()
				if err != nil {
					t.Fatal(err)
				}
				checkCertificate(t, in, r)
				// β* interpolates too, so it cannot have a smaller ℓ₁ norm.
				if c.noise == 0 && norm1(r.Beta) > norm1(in.betaStar)*(1+1e-12) {
					t.Errorf("‖β‖₁ = %g > ‖β*‖₁ = %g", norm1(r.Beta), norm1(in.betaStar))
				}
				t.Logf("|S| = %d, certified at α = %.0e, violation %.1g, gap %.1g", len(r.Support), r.Alpha, r.MaxDualViolation, r.DualGap)
			})
		}
	}
}

func TestMinL1ZeroLabels(t *testing.T) {
	in := gaussianInstance(1, 10, 30, 3, 0)
	in.y = make([]float64, in.n)
	r, err := in.solver().MinL1()
	if err != nil || !r.Certified || norm(r.Beta) != 0 {
		t.Errorf("y = 0: β = %v, certified %v, err %v", r.Beta, r.Certified, err)
	}
}

// TestMinL1SettlesEarlyOnExactRecovery: when the sparse support is read off
// and certified at an intermediate continuation stage, MinL1 stops there
// (α well above the last stage's 1e-12) with β = β*, which the certificate
// alone proves optimal.
func TestMinL1SettlesEarlyOnExactRecovery(t *testing.T) {
	in := gaussianInstance(5, 40, 100, 3, 0)
	r, err := in.solver().MinL1()
	if err != nil {
		t.Fatal(err)
	}
	checkCertificate(t, in, r)
	if d := relDist(r.Beta, in.betaStar); d > 1e-10 {
		t.Errorf("distance to β* %.3g", d)
	}
	if r.Alpha <= 1e-12 {
		t.Errorf("settled at α = %.3g, want an intermediate stage", r.Alpha)
	}
}

// TestMinL1FromSeed: seeding the continuation with the φ_α argmin at α = 0.1
// gives the same certified solution as a cold MinL1 (the seed only moves
// where the first continuation stage starts).
func TestMinL1FromSeed(t *testing.T) {
	for _, noise := range []float64{0, 0.1} {
		in := gaussianInstance(7, 40, 100, 4, noise)
		cold, err := in.solver().MinL1()
		if err != nil {
			t.Fatal(err)
		}
		s := in.solver()
		gf, err := s.PhiArgmin(logUniform(in.d, 0.1), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		warm, err := s.MinL1From(gf, math.Log(0.1))
		if err != nil {
			t.Fatal(err)
		}
		checkCertificate(t, in, warm)
		if d := relDist(warm.Beta, cold.Beta); d > 1e-9 {
			t.Errorf("noise %g: seeded and cold solutions differ by %.3g", noise, d)
		}
	}
}
