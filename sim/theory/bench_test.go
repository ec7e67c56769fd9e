package theory

import (
	"math"
	"testing"
)

// BenchmarkPhiArgminWarm: the live-run case, α moving by 1% from a solved ν.
func BenchmarkPhiArgminWarm(b *testing.B) {
	in := gaussianInstance(31, 40, 100, 5, 0.05)
	s := in.solver()
	lnAlpha := logUniform(in.d, 1e-3)
	first, err := s.PhiArgmin(lnAlpha, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	shifted := logUniform(in.d, 0.99e-3)
	b.ReportAllocs()
	iters := 0
	for b.Loop() {
		res, err := s.PhiArgmin(shifted, nil, first.Nu)
		if err != nil {
			b.Fatal(err)
		}
		iters = res.Iterations
	}
	b.ReportMetric(float64(iters), "newton-steps")
}

// BenchmarkPhiArgminCold: α = 1e-30 from scratch (continuation).
func BenchmarkPhiArgminCold(b *testing.B) {
	for _, noise := range []float64{0, 0.1} {
		name := map[bool]string{true: "exact", false: "noisy"}[noise == 0]
		b.Run(name, func(b *testing.B) {
			in := gaussianInstance(32, 40, 100, 5, noise)
			s := in.solver()
			lnAlpha := logUniform(in.d, 1e-30)
			b.ReportAllocs()
			iters := 0
			for b.Loop() {
				res, err := s.PhiArgmin(lnAlpha, nil, nil)
				if err != nil {
					b.Fatal(err)
				}
				iters = res.Iterations
			}
			b.ReportMetric(float64(iters), "newton-steps")
		})
	}
}

func BenchmarkMinL1(b *testing.B) {
	cases := []struct {
		name    string
		n, d, s int
		noise   float64
	}{
		{"40x100/exact", 40, 100, 5, 0},
		{"40x100/noisy", 40, 100, 5, 0.1},
		{"100x1000/exact", 100, 1000, 10, 0},
		{"100x1000/noisy", 100, 1000, 10, 0.1},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			in := gaussianInstance(33, c.n, c.d, c.s, c.noise)
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
				b.Fatalf("not certified: violation %g", r.MaxDualViolation)
			}
			b.ReportMetric(float64(r.Pivots), "pivots")
			b.ReportMetric(-math.Log10(r.Alpha), "-log10(α)")
		})
	}
}
