package theory

import (
	"math"
	"testing"
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
// α = 0.1, min-ℓ₁, min-ℓ₂) at (n, d) = (1000, 10000), s = 100.
func BenchmarkReferencesScale(b *testing.B) {
	in := gaussianInstance(42, 1000, 10000, 100, 0)
	lnAlpha := logUniform(in.d, 0.1)
	b.ReportAllocs()
	for b.Loop() {
		s := in.solver()
		if _, err := s.PhiArgmin(lnAlpha, nil, nil); err != nil {
			b.Fatal(err)
		}
		r, err := s.MinL1()
		if err != nil || !r.Certified {
			b.Fatalf("min-ℓ₁: %v (certified %v)", err, r.Certified)
		}
		if _, err := s.MinL2(); err != nil {
			b.Fatal(err)
		}
	}
}
