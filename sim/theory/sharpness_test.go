package theory

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// explicitDHD forms D·H·D (d×d) with H = XᵀX/n, D = diag((β² + 4α⁴)^{1/4})
// straight from theory.md §5 (moderate α only).
func explicitDHD(in instance, beta, lnAlpha []float64) *mat.SymDense {
	dd := make([]float64, in.d)
	for j := range dd {
		a := math.Exp(lnAlpha[j])
		dd[j] = math.Pow(beta[j]*beta[j]+4*math.Pow(a, 4), 0.25)
	}
	m := mat.NewSymDense(in.d, nil)
	for j := range in.d {
		for k := j; k < in.d; k++ {
			var h float64
			for i := range in.n {
				h += in.x[i*in.d+j] * in.x[i*in.d+k]
			}
			m.SetSym(j, k, dd[j]*h/float64(in.n)*dd[k])
		}
	}
	return m
}

// powerIteration returns the largest eigenvalue of a PSD matrix by the
// Rayleigh quotient of the power method.
func powerIteration(m *mat.SymDense, iters int) float64 {
	n := m.SymmetricDim()
	rng := rand.New(rand.NewPCG(1, 1))
	v := mat.NewVecDense(n, nil)
	for i := range n {
		v.SetVec(i, rng.NormFloat64())
	}
	var mv mat.VecDense
	lambda := 0.0
	for range iters {
		v.ScaleVec(1/mat.Norm(v, 2), v)
		mv.MulVec(m, v)
		lambda = mat.Dot(v, &mv)
		v.CopyVec(&mv)
	}
	return lambda
}

func TestSharpnessMatchesExplicitMatrix(t *testing.T) {
	in := gaussianInstance(21, 30, 80, 4, 0)
	s := in.solver()
	for _, alpha := range []float64{0.01, 0.1, 1} {
		lnAlpha := logVector(22, in.d, alpha, 0.5)
		res, err := s.PhiArgmin(lnAlpha, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var eig mat.EigenSym
		if !eig.Factorize(explicitDHD(in, res.Beta, lnAlpha), false) {
			t.Fatal("EigenSym failed")
		}
		vals := eig.Values(nil)
		want := 2 * vals[len(vals)-1]
		got := Sharpness(in.n, in.d, in.x, res.Beta, lnAlpha)
		power := 2 * powerIteration(explicitDHD(in, res.Beta, lnAlpha), 3000)
		if math.Abs(got-want) > 1e-12*want {
			t.Errorf("α≈%g: Sharpness %.15g, EigenSym on D·H·D %.15g", alpha, got, want)
		}
		if math.Abs(power-want) > 1e-8*want {
			t.Errorf("α≈%g: power iteration %.15g, EigenSym %.15g", alpha, power, want)
		}
		t.Logf("α≈%g: sharpness %.6g (EigenSym %.6g, power iteration %.6g)", alpha, got, want, power)
	}
}

// TestSharpnessLimits: at β = 0, D² = 2α² so the sharpness is 4α²·λ_max(H);
// for a 1-sparse β and α → 0 only that coordinate has weight: 2|β_j|·H_jj.
func TestSharpnessLimits(t *testing.T) {
	in := gaussianInstance(23, 20, 50, 1, 0)
	h := mat.NewSymDense(in.d, nil)
	h.SymOuterK(1/float64(in.n), in.matrix().T())
	var eig mat.EigenSym
	eig.Factorize(h, false)
	vals := eig.Values(nil)
	alpha := 0.3
	got := Sharpness(in.n, in.d, in.x, make([]float64, in.d), logUniform(in.d, alpha))
	want := 4 * alpha * alpha * vals[len(vals)-1]
	if math.Abs(got-want) > 1e-12*want {
		t.Errorf("β = 0: sharpness %.15g, want 4α²λ_max(H) = %.15g", got, want)
	}
	beta := make([]float64, in.d)
	beta[7] = -2.5
	got = Sharpness(in.n, in.d, in.x, beta, logUniform(in.d, 1e-100))
	want = 2 * 2.5 * h.At(7, 7)
	if math.Abs(got-want) > 1e-12*want {
		t.Errorf("1-sparse β, α = 1e-100: sharpness %.15g, want 2|β_j|H_jj = %.15g", got, want)
	}
	beta[3] = math.NaN()
	if got := Sharpness(in.n, in.d, in.x, beta, logUniform(in.d, 1)); got != math.MaxFloat64 {
		t.Errorf("non-finite β: sharpness %g, want MaxFloat64", got)
	}
}

// Sharpness forms X·D²·Xᵀ by blocks of columns: what it allocates is the
// n×n matrix, its eigendecomposition and a few vectors, far below a scaled
// copy of X (which it used to hold, n·d floats). Counted in bytes
// allocated, not time; the value is checked against the explicit d×d
// matrix in TestSharpnessMatchesExplicitMatrix.
func TestSharpnessHoldsNoCopyOfX(t *testing.T) {
	in := gaussianInstance(5, 8, 200000, 3, 0)
	beta, lnAlpha := make([]float64, in.d), logVector(6, in.d, 0.1, 0.5)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s := Sharpness(in.n, in.d, in.x, beta, lnAlpha)
	runtime.ReadMemStats(&after)
	copyOfX := uint64(8 * in.n * in.d)
	if got := after.TotalAlloc - before.TotalAlloc; got > copyOfX/4 {
		t.Errorf("Sharpness allocated %d bytes at n = %d, d = %d; a copy of X is %d", got, in.n, in.d, copyOfX)
	}
	if !(s > 0) || s == math.MaxFloat64 {
		t.Errorf("sharpness %g", s)
	}
}

// UnitSharpness is Sharpness at β = 0 and α = 1/√2 (D = I) to rounding,
// and twice the largest eigenvalue of XᵀX/n by the power method.
func TestUnitSharpness(t *testing.T) {
	in := gaussianInstance(7, 15, 40, 3, 0)
	zero, unit := make([]float64, in.d), make([]float64, in.d)
	for j := range unit {
		unit[j] = -0.5 * math.Ln2
	}
	got := UnitSharpness(in.n, in.d, in.x)
	if want := Sharpness(in.n, in.d, in.x, zero, unit); math.Abs(got-want) > 1e-12*want {
		t.Errorf("UnitSharpness %.17g, Sharpness with D = I %.17g", got, want)
	}
	if want := 2 * powerIteration(explicitDHD(in, zero, unit), 2000); math.Abs(got-want) > 1e-8*want {
		t.Errorf("UnitSharpness %.17g, power method %.17g", got, want)
	}
}
