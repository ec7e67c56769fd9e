package theory

import (
	"math"
	"os"
	"testing"

	"sgdbias/sim/problem"
)

// BenchmarkMinL1Scale: basis pursuit at (n, d) = (400, 4000) with an
// s = 100 Gaussian β*, the size scripts/vs_scipy.py compares with an LP.
func BenchmarkMinL1Scale(b *testing.B) {
	in := gaussianInstance(41, 400, 4000, 100, 0)
	s := in.solver()
	b.ReportAllocs()
	var r L1Result
	for b.Loop() {
		var err error
		if r, err = s.MinL1(); err != nil {
			b.Fatal(err)
		}
	}
	if !r.Certified {
		b.Fatalf("not certified: violation %g, gap %g", r.MaxDualViolation, r.DualGap)
	}
	b.ReportMetric(float64(r.Pivots), "pivots")
	b.ReportMetric(-math.Log10(r.Alpha), "-log10(α)")
}

// BenchmarkReferencesScale: the three references a run prints (GF limit at
// α = 0.1, min-ℓ₁ seeded by it, min-ℓ₂), as sim.SolveReferences solves
// them, at (n, d) = (1000, 10000), s = 100.
func BenchmarkReferencesScale(b *testing.B) {
	in := gaussianInstance(42, 1000, 10000, 100, 0)
	lnAlpha := logUniform(in.d, 0.1)
	b.ReportAllocs()
	for b.Loop() {
		s := in.solver()
		gf, err := s.PhiArgmin(lnAlpha, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		r, err := s.MinL1From(gf, math.Log(0.1))
		if err != nil || !r.Certified {
			b.Fatalf("min-ℓ₁: %v (certified %v)", err, r.Certified)
		}
		if _, err := s.MinL2(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMinL1File solves basis pursuit on the problem file named by
// $SGDBIAS_PROBLEM (as written by `sgdbias data`), so that another solver can
// be timed on the same X and y (scripts/vs_scipy.py). It logs ‖β‖₁ in full
// precision and is skipped when the variable is unset.
func BenchmarkMinL1File(b *testing.B) {
	path := os.Getenv("SGDBIAS_PROBLEM")
	if path == "" {
		b.Skip("SGDBIAS_PROBLEM is not set")
	}
	p, err := problem.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var r L1Result
	for b.Loop() {
		s := NewSolver(p.N, p.D, p.X, p.Y)
		if r, err = s.MinL1(); err != nil {
			b.Fatal(err)
		}
	}
	var l1 float64
	for _, v := range r.Beta {
		l1 += math.Abs(v)
	}
	b.Logf("l1_norm %.17g certified %v support %d pivots %d alpha %.3g", l1, r.Certified, len(r.Support), r.Pivots, r.Alpha)
}
