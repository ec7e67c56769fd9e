package theory

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// TestGramMatchesSyrk: the blocked kernel against gonum's Dsyrk on shapes
// that exercise the 2×4 edges (n odd, n mod 4 ≠ 0), several panels and
// tiles, and the two-core split (n²d above gramParallelWork).
func TestGramMatchesSyrk(t *testing.T) {
	for _, sz := range [][2]int{{1, 3}, {2, 5}, {3, 7}, {5, 129}, {7, 300}, {130, 300}, {257, 131}} {
		n, d := sz[0], sz[1]
		t.Run(fmt.Sprintf("%dx%d", n, d), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(n), uint64(d)))
			x, sqrtW := make([]float64, n*d), make([]float64, d)
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			for j := range sqrtW {
				sqrtW[j] = math.Exp(rng.NormFloat64())
			}
			xw := make([]float64, n*d)
			for i := range n {
				for j := range d {
					xw[i*d+j] = x[i*d+j] * sqrtW[j]
				}
			}
			want := make([]float64, n*n)
			blas64.Syrk(blas.NoTrans, 1, blas64.General{Rows: n, Cols: d, Stride: d, Data: xw}, 0,
				blas64.Symmetric{Uplo: blas.Upper, N: n, Stride: n, Data: want})
			got := make([]float64, n*n)
			for i := range got {
				got[i] = math.NaN() // build must overwrite the upper triangle
			}
			g := newGram(n, d, x)
			for range 2 { // a second build must not accumulate onto the first
				g.build(sqrtW, got)
			}
			for i := range n {
				for j := i; j < n; j++ {
					w, v := want[i*n+j], got[i*n+j]
					scale := math.Sqrt(want[i*n+i] * want[j*n+j])
					if !(math.Abs(v-w) <= 1e-13*scale) {
						t.Fatalf("H[%d,%d] = %v, Dsyrk %v", i, j, v, w)
					}
				}
			}
		})
	}
}

// BenchmarkGram: the Newton matrix at the sizes of the scale benchmarks,
// the blocked kernel beside gonum's Dsyrk.
func BenchmarkGram(b *testing.B) {
	for _, sz := range [][2]int{{400, 4000}, {1000, 10000}} {
		n, d := sz[0], sz[1]
		rng := rand.New(rand.NewPCG(1, 2))
		x, sqrtW := make([]float64, n*d), make([]float64, d)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		for j := range sqrtW {
			sqrtW[j] = 1 + rng.Float64()
		}
		h := make([]float64, n*n)
		b.Run(fmt.Sprintf("blocked/%dx%d", n, d), func(b *testing.B) {
			g := newGram(n, d, x)
			b.ReportAllocs()
			for b.Loop() {
				g.build(sqrtW, h)
			}
		})
		b.Run(fmt.Sprintf("dsyrk/%dx%d", n, d), func(b *testing.B) {
			a := blas64.General{Rows: n, Cols: d, Stride: d, Data: x}
			b.ReportAllocs()
			for b.Loop() {
				blas64.Syrk(blas.NoTrans, 1, a, 0, blas64.Symmetric{Uplo: blas.Upper, N: n, Stride: n, Data: h})
			}
		})
	}
}

// TestGramHelperEndsWhenCollected: the second core's goroutine of a large
// Gram (n²d above gramParallelWork) ends once the solver that owns it is
// garbage, so solvers made per run do not accumulate goroutines.
func TestGramHelperEndsWhenCollected(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one core: no helper goroutine")
	}
	before := settledGoroutines() // helpers of earlier tests' Grams may still be ending
	n, d := 100, 500
	x, sqrtW := make([]float64, n*d), make([]float64, d)
	for i := range x {
		x[i] = float64(i%7) - 3
	}
	for j := range sqrtW {
		sqrtW[j] = 1
	}
	func() {
		g := newGram(n, d, x)
		if g.helper == nil {
			t.Fatal("no helper at n²d = 5e6")
		}
		g.build(sqrtW, make([]float64, n*n))
	}()
	for range 200 {
		runtime.GC()
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Errorf("%d goroutines after the Gram was dropped, %d before", runtime.NumGoroutine(), before)
}

// settledGoroutines collects garbage until the goroutine count stops
// falling (at most a second) and returns it.
func settledGoroutines() int {
	n := runtime.NumGoroutine()
	for range 100 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m == n {
			return m
		}
		n = m
	}
	return n
}
