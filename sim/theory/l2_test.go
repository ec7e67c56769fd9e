package theory

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestMinL2 compares with gonum's minimum-norm solve of the wide system
// (QR/LQ based, independent of the Cholesky of XXᵀ).
func TestMinL2(t *testing.T) {
	for _, noise := range []float64{0, 0.1} {
		in := gaussianInstance(3, 40, 100, 5, noise)
		got, err := in.solver().MinL2()
		if err != nil {
			t.Fatal(err)
		}
		var want mat.Dense
		if err := want.Solve(in.matrix(), mat.NewDense(in.n, 1, append([]float64(nil), in.y...))); err != nil {
			t.Fatal(err)
		}
		if d := relDist(got, mat.Col(nil, 0, &want)); d > 1e-12 {
			t.Errorf("noise %g: MinL2 differs from the minimum-norm solve by %.3g", noise, d)
		}
		if res := in.residualNorm(got) / math.Max(1, norm(in.y)); res > 1e-12 {
			t.Errorf("noise %g: residual %.3g", noise, res)
		}
		if perp := norm(in.rowSpaceResidual(got)) / norm(got); perp > 1e-12 {
			t.Errorf("noise %g: β leaves the row space by %.3g", noise, perp)
		}
	}
}
