package theory

import (
	"math"
	"math/rand/v2"
	"testing"
)

// degenerateInstance has duplicated and collinear columns: X = [a a b −b c 2c]
// for Gaussian a, b, c ∈ ℝ³, and y = a + b. Basis pursuit's minimum is
// ‖β‖₁ = 2, reached by a whole face (any split of the 1 between the two
// copies of a); the φ_α argmin splits it evenly and no support of size ≤ n
// read off it is a vertex.
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
