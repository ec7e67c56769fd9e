package theory

import (
	"math"
	"math/rand/v2"
	"testing"
)

// degenerateInstance has duplicated and collinear columns: X = [a a b −b c 2c]
// for Gaussian a, b, c ∈ ℝ³, and y = a + b. Basis pursuit's minimum is
// ‖β‖₁ = 2, reached by a whole face (any split of the 1 between the two
// copies of a); the φ_α argmin splits it evenly over the copies, and least
// squares on a support holding both is singular (MinL1 used to return a
// wrong, uncertified ‖β‖₁ ≈ 2.78).
func degenerateInstance(seed uint64) instance {
	rng := rand.New(rand.NewPCG(seed, 5))
	const n = 3
	cols := make([][]float64, 3)
	for k := range cols {
		cols[k] = make([]float64, n)
		for i := range cols[k] {
			cols[k][i] = rng.NormFloat64()
		}
	}
	scale := []struct {
		col int
		f   float64
	}{{0, 1}, {0, 1}, {1, 1}, {1, -1}, {2, 1}, {2, 2}}
	in := instance{n: n, d: len(scale), x: make([]float64, n*len(scale)), y: make([]float64, n)}
	for j, s := range scale {
		for i := 0; i < n; i++ {
			in.x[i*in.d+j] = s.f * cols[s.col][i]
		}
	}
	for i := 0; i < n; i++ {
		in.y[i] = cols[0][i] + cols[1][i]
	}
	return in
}

func TestMinL1DegenerateColumns(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		in := degenerateInstance(seed)
		want, err := in.lpMinL1()
		if err != nil {
			t.Fatalf("seed %d: lp.Simplex: %v", seed, err)
		}
		got, err := in.solver().MinL1()
		if err != nil {
			t.Fatalf("seed %d: MinL1: %v", seed, err)
		}
		if math.Abs(norm1(got.Beta)-norm1(want)) > 1e-9 || math.Abs(norm1(want)-2) > 1e-9 {
			t.Errorf("seed %d: ‖β‖₁ = %.12g, lp.Simplex %.12g, want 2", seed, norm1(got.Beta), norm1(want))
		}
		checkCertificate(t, in, got)
	}
}

// Gaussian instances in which every column appears twice, once negated at
// random, with exact labels: the φ_α argmin splits each support coordinate
// between its two copies, so no support of size ≤ n read off it
// interpolates (MinL1 used to fail with "no support read off the φ_α argmin
// down to α = 1e-192"). The minimum ℓ₁ norm matches lp.Simplex and the
// certificate holds on the full problem.
func TestMinL1DuplicatedColumnsMatchSimplex(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		base := gaussianInstance(seed, 10, 15, 3, 0)
		rng := rand.New(rand.NewPCG(seed, 9))
		d := 2 * base.d
		in := instance{n: base.n, d: d, x: make([]float64, base.n*d), y: base.y}
		perm := rng.Perm(d)
		for k := 0; k < d; k++ {
			src, f := k%base.d, 1.0
			if k >= base.d {
				f = float64(1 - 2*rng.IntN(2))
			}
			for i := 0; i < in.n; i++ {
				in.x[i*d+perm[k]] = f * base.x[i*base.d+src]
			}
		}
		want, err := in.lpMinL1()
		if err != nil {
			t.Fatalf("seed %d: lp.Simplex: %v", seed, err)
		}
		got, err := in.solver().MinL1()
		if err != nil {
			t.Fatalf("seed %d: MinL1: %v", seed, err)
		}
		if e := math.Abs(norm1(got.Beta)-norm1(want)) / norm1(want); e > 1e-9 {
			t.Errorf("seed %d: ‖β‖₁ = %.12g, lp.Simplex %.12g", seed, norm1(got.Beta), norm1(want))
		}
		checkCertificate(t, in, got)
	}
}

// A face of optima spanned by dependent columns: X = [a b (a+b)/2 c] in ℝ³
// and y = a + b, reached at ‖β‖₁ = 2 by (1, 1, 0, 0), (0, 0, 2, 0) and every
// mix. The φ_α argmin spreads over the three dependent columns, whose least
// squares is singular; MinL1 used to fail ("no support read off the φ_α
// argmin … interpolates y").
func TestMinL1DependentSupport(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		const n, d = 3, 4
		a, b, c := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range a {
			a[i], b[i], c[i] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		}
		in := instance{n: n, d: d, x: make([]float64, n*d), y: make([]float64, n)}
		for i := 0; i < n; i++ {
			in.x[i*d+0], in.x[i*d+1], in.x[i*d+2], in.x[i*d+3] = a[i], b[i], (a[i]+b[i])/2, c[i]
			in.y[i] = a[i] + b[i]
		}
		want, err := in.lpMinL1()
		if err != nil {
			t.Fatal(err)
		}
		got, err := in.solver().MinL1()
		if err != nil {
			t.Fatalf("seed %d: %v (lp %.6g)", seed, err, norm1(want))
		}
		if math.Abs(norm1(got.Beta)-norm1(want)) > 1e-9 {
			t.Errorf("seed %d: %.12g vs lp %.12g", seed, norm1(got.Beta), norm1(want))
		}
		checkCertificate(t, in, got)
	}
}
