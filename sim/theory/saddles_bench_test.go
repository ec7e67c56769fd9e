package theory

import (
	"context"
	"testing"
)

// BenchmarkSaddles is the whole schedule on a (40, 100) sparse problem, the
// explorer's default size.
func BenchmarkSaddles(b *testing.B) {
	in := gaussianInstance(1, 40, 100, 5, 0)
	s := in.solver()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Saddles(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignLS is one sign-constrained least squares with every
// coordinate allowed (it allocates nothing).
func BenchmarkSignLS(b *testing.B) {
	in := gaussianInstance(2, 40, 100, 5, 0)
	ls := newSignLS(in.n, in.d, in.x, in.y)
	sigma, beta := make([]float64, in.d), make([]float64, in.d)
	for j := range sigma {
		sigma[j] = float64(1 - 2*(j%2))
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := ls.solve(ctx, sigma, beta); err != nil {
			b.Fatal(err)
		}
	}
}
