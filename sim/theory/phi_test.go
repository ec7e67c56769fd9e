package theory

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naivePhi is the formula of theory.md §3 written out directly; it is exact
// for moderate α and β only.
func naivePhi(beta, alpha float64) float64 {
	a2 := alpha * alpha
	return 0.25 * (beta*math.Asinh(beta/(2*a2)) - math.Sqrt(beta*beta+4*a2*a2) + 2*a2)
}

func TestPhiZeroAtZero(t *testing.T) {
	for _, alpha := range []float64{1e-200, 1e-30, 1e-3, 1, 1e3} {
		if got := Phi(make([]float64, 5), logUniform(5, alpha)); got != 0 {
			t.Errorf("α=%g: φ_α(0) = %g, want 0", alpha, got)
		}
	}
}

func TestPhiMatchesNaiveFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 0))
	for range 200 {
		alpha := math.Exp(4 * (2*rng.Float64() - 1)) // e^-4 .. e^4
		beta := 10 * rng.NormFloat64()
		got, want := Phi([]float64{beta}, []float64{math.Log(alpha)}), naivePhi(beta, alpha)
		if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Errorf("α=%g β=%g: Phi %.17g, naive %.17g", alpha, beta, got, want)
		}
	}
}

// TestPhiGradientFiniteDifference checks ∇φ_α = ¼·arcsinh(β/(2α²)) three
// ways: PhiGradient, the closed formula with math.Asinh, and central
// differences of Phi.
func TestPhiGradientFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 0))
	for _, alpha := range []float64{1e-30, 1e-3, 0.3, 1, 1e3} {
		for range 50 {
			beta := rng.NormFloat64() * math.Max(1, alpha*alpha)
			lnA := []float64{math.Log(alpha)}
			grad := PhiGradient(nil, []float64{beta}, lnA)[0]
			formula := 0.25 * math.Asinh(beta/(2*alpha*alpha))
			h := 1e-5 * math.Max(math.Abs(beta), alpha*alpha)
			fd := (Phi([]float64{beta + h}, lnA) - Phi([]float64{beta - h}, lnA)) / (2 * h)
			scale := math.Max(1e-3, math.Abs(formula))
			if math.Abs(grad-formula) > 1e-13*scale {
				t.Errorf("α=%g β=%g: PhiGradient %.17g, formula %.17g", alpha, beta, grad, formula)
			}
			if math.Abs(fd-formula) > 1e-6*scale {
				t.Errorf("α=%g β=%g: finite difference %.12g, formula %.12g", alpha, beta, fd, formula)
			}
		}
	}
}

func TestPhiConvexity(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 0))
	for _, alpha := range []float64{1e-20, 1e-2, 1, 10} {
		lnA := logVector(4, 8, alpha, 1)
		for range 100 {
			a, b, mid := make([]float64, 8), make([]float64, 8), make([]float64, 8)
			for j := range a {
				a[j], b[j] = rng.NormFloat64(), rng.NormFloat64()
				mid[j] = (a[j] + b[j]) / 2
			}
			phiA, phiB, phiMid := Phi(a, lnA), Phi(b, lnA), Phi(mid, lnA)
			if !(phiMid < (phiA+phiB)/2) {
				t.Errorf("α=%g: φ(mid) = %g not below the chord %g", alpha, phiMid, (phiA+phiB)/2)
			}
		}
	}
}

// TestPhiSmallAlphaAsymptote checks φ_α(β) ≈ ½Σln(1/α_i)|β_i| (theory.md §3)
// through its exact expansion for |β| ≫ α²:
// φ = ½Σ ln(1/α_i)|β_i| + ¼Σ|β_i|(ln|β_i| − 1) + O(α⁴/|β|).
func TestPhiSmallAlphaAsymptote(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 0))
	beta := make([]float64, 10)
	for j := range beta {
		beta[j] = rng.NormFloat64()
	}
	for _, alpha := range []float64{1e-10, 1e-50, 1e-200} {
		lnA := logVector(6, 10, alpha, 2)
		var leading, next float64
		for j, b := range beta {
			leading += 0.5 * -lnA[j] * math.Abs(b)
			next += 0.25 * math.Abs(b) * (math.Log(math.Abs(b)) - 1)
		}
		got := Phi(beta, lnA)
		if math.Abs(got-leading-next) > 1e-12*got {
			t.Errorf("α≈%g: φ = %.15g, asymptote %.15g", alpha, got, leading+next)
		}
		if rel := math.Abs(got-leading) / got; rel > 2/math.Log(1/alpha) {
			t.Errorf("α≈%g: leading term off by %g", alpha, rel)
		}
	}
}

// TestPhiLargeAlphaAsymptote checks φ_α(β) ≈ Σβ²/(16α²) (theory.md §3); the
// relative correction is −x²/12 with x = β/(2α²).
func TestPhiLargeAlphaAsymptote(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 0))
	beta := make([]float64, 10)
	for j := range beta {
		beta[j] = rng.NormFloat64()
	}
	for _, alpha := range []float64{1e2, 1e3, 1e6} {
		lnA := logVector(8, 10, alpha, 1)
		var quad, maxX2 float64
		for j, b := range beta {
			a2 := math.Exp(2 * lnA[j])
			quad += b * b / (16 * a2)
			maxX2 = math.Max(maxX2, b*b/(4*a2*a2))
		}
		got := Phi(beta, lnA)
		if math.Abs(got-quad) > (maxX2/12+1e-13)*quad {
			t.Errorf("α≈%g: φ = %.15g, Σβ²/(16α²) = %.15g", alpha, got, quad)
		}
	}
}
