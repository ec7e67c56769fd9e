package theory

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDualMapInvertsGradient checks the constants of the dual map
// (dual.go, theory.md §7): β(z) = 2α²·sinh(4z) must satisfy
// ∇φ_α(β(z)) = ¼·arcsinh(β/(2α²)) = z, for α from 1e-200 to 1e3 and every
// z whose β is a normal float64.
func TestDualMapInvertsGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 0))
	for _, alpha := range []float64{1e-200, 1e-30, 1e-3, 1, 1e3} {
		lnA := math.Log(alpha)
		for range 100 {
			// z up to the size that makes β = O(10): 4|z| ≈ ln(10/α²).
			z := (2*rng.Float64() - 1) * math.Max(0.5, 0.25*(math.Log(10)-2*lnA))
			beta, _, ok := dualCoordinate(z, 2*lnA)
			if !ok {
				t.Fatalf("α=%g z=%g: overflow", alpha, z)
			}
			if math.Abs(beta) < 1e-300 {
				continue // β is not representable to full precision (α < 1e-150 only)
			}
			back := PhiGradient(nil, []float64{beta}, []float64{lnA})[0]
			if math.Abs(back-z) > 1e-13*math.Max(1, math.Abs(z)) {
				t.Errorf("α=%g z=%.17g: ∇φ(β(z)) = %.17g", alpha, z, back)
			}
		}
	}
}

// TestDualMapDirectFormulas compares β, φ* and ∂β/∂z with the textbook
// formulas 2α²sinh(4z), (α²/2)(cosh(4z) − 1), 8α²cosh(4z) where those are
// safe to evaluate, and the Fenchel equality φ*(z) = zβ − φ_α(β) at β = β(z).
func TestDualMapDirectFormulas(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 0))
	for range 500 {
		alpha := math.Exp(3 * (2*rng.Float64() - 1))
		a2 := alpha * alpha
		z := 2 * rng.NormFloat64()
		beta, conj, ok := dualCoordinate(z, 2*math.Log(alpha))
		if !ok {
			t.Fatalf("overflow at α=%g z=%g", alpha, z)
		}
		closeTo(t, "β", beta, 2*a2*math.Sinh(4*z), 1e-13)
		closeTo(t, "φ*", conj, a2/2*(math.Cosh(4*z)-1), 1e-12)
		w := sqrtCurvature(z, 2*math.Log(alpha))
		closeTo(t, "∂β/∂z", w*w, 8*a2*math.Cosh(4*z), 1e-13)
		fenchel := z*beta - Phi([]float64{beta}, []float64{math.Log(alpha)})
		if math.Abs(fenchel-conj) > 1e-12*math.Max(1e-300, math.Abs(z*beta)) {
			t.Errorf("α=%g z=%g: φ* = %.17g, zβ − φ(β) = %.17g", alpha, z, conj, fenchel)
		}
	}
}

func closeTo(t *testing.T, what string, got, want, rel float64) {
	t.Helper()
	if math.Abs(got-want) > rel*math.Max(math.Abs(want), 1e-300) {
		t.Errorf("%s = %.17g, want %.17g", what, got, want)
	}
}
