package theory

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// bruteSignLS solves the sign-constrained least squares by enumerating every
// subset of the allowed coordinates: the minimiser is the unconstrained least
// squares on some subset whose coefficients have the allowed signs.
func bruteSignLS(in instance, sigma []float64) float64 {
	var allowed []int
	for j, s := range sigma {
		if s != 0 {
			allowed = append(allowed, j)
		}
	}
	best := dot(in.y, in.y)
	for mask := 1; mask < 1<<len(allowed); mask++ {
		var cols []int
		for k, j := range allowed {
			if mask&(1<<k) != 0 {
				cols = append(cols, j)
			}
		}
		if len(cols) > in.n {
			continue
		}
		a := mat.NewDense(in.n, len(cols), nil)
		for i := range in.n {
			for k, j := range cols {
				a.Set(i, k, in.row(i)[j])
			}
		}
		var sol mat.VecDense
		if err := sol.SolveVec(a, mat.NewVecDense(in.n, append([]float64(nil), in.y...))); err != nil {
			continue
		}
		ok := true
		for k, j := range cols {
			ok = ok && sol.AtVec(k)*sigma[j] >= 0
		}
		if !ok {
			continue
		}
		var r mat.VecDense
		r.MulVec(a, &sol)
		r.SubVec(&r, mat.NewVecDense(in.n, in.y))
		best = math.Min(best, mat.Dot(&r, &r))
	}
	return best
}

// TestSignLSMatchesEnumeration checks Lawson–Hanson against enumeration on
// small problems with random sign patterns, and that its answer respects the
// signs.
func TestSignLSMatchesEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for trial := range 40 {
		in := gaussianInstance(uint64(100+trial), 4, 9, 3, 0.3)
		sigma := make([]float64, in.d)
		for j := range sigma {
			sigma[j] = float64(rng.IntN(3) - 1)
		}
		ls := newSignLS(in.n, in.d, in.x, in.y)
		beta := make([]float64, in.d)
		if err := ls.solve(context.Background(), sigma, beta); err != nil {
			t.Fatal(err)
		}
		for j, b := range beta {
			if b*sigma[j] < 0 || (sigma[j] == 0 && b != 0) {
				t.Fatalf("trial %d: β_%d = %g violates σ = %g", trial, j, b, sigma[j])
			}
		}
		got := in.residualNorm(beta)
		want := math.Sqrt(bruteSignLS(in, sigma))
		if math.Abs(got-want) > 1e-10*math.Max(1, want) {
			t.Errorf("trial %d (σ = %v): residual %.15g, enumeration %.15g", trial, sigma, got, want)
		}
	}
}

// TestSignLSAllocatesNothing: a solve reuses the buffers made by newSignLS.
func TestSignLSAllocatesNothing(t *testing.T) {
	in := gaussianInstance(7, 10, 30, 4, 0)
	ls := newSignLS(in.n, in.d, in.x, in.y)
	sigma, beta := make([]float64, in.d), make([]float64, in.d)
	for j := range sigma {
		sigma[j] = float64(1 - 2*(j%2))
	}
	ctx := context.Background()
	if a := testing.AllocsPerRun(10, func() { _ = ls.solve(ctx, sigma, beta) }); a != 0 {
		t.Errorf("%v allocations per solve", a)
	}
}

// TestMeasureJumps places jumps on a synthetic staircase of known crossings.
func TestMeasureJumps(t *testing.T) {
	sc := Schedule{Saddles: []Saddle{{Loss: 4}, {Tau: 1, Loss: 1}, {Tau: 2, Loss: 0}}}
	// Loss 4 until t = 10, then 1 until t = 20, then 0: the levels 2 and
	// 0.1 are crossed on the drops, interpolated in ln L (linearly in L
	// towards 0).
	times := []float64{0, 9, 11, 19, 21}
	losses := []float64{4, 4, 1, 1, 0}
	got := sc.MeasureJumps(times, losses)
	want := []float64{10, 19 + 2*(1-0.1)}
	if len(got) != 2 || math.Abs(got[0]-want[0]) > 1e-12 || math.Abs(got[1]-want[1]) > 1e-12 {
		t.Fatalf("got %v, want %v", got, want)
	}
	if e := sc.JumpTimeErrors(got[:1], math.Exp(-5)); math.Abs(e[0]-1) > 1e-12 {
		t.Errorf("error %v, want |10/5 − 1| = 1", e)
	}
	if got := sc.MeasureJumps(times[:3], losses[:3]); len(got) != 1 {
		t.Errorf("a series stopping on the second plateau measured %d jumps", len(got))
	}
	if got := sc.MeasureJumps(nil, nil); len(got) != 0 {
		t.Errorf("empty series: %v", got)
	}
}

// TestJumpError: the mean relative error over the jumps predicted before
// the end, an unreached jump counted at the end.
func TestJumpError(t *testing.T) {
	sc := Schedule{Saddles: []Saddle{{Loss: 4}, {Tau: 1, Loss: 1}, {Tau: 2, Loss: 0}, {Tau: 50, Loss: 0}}}
	alpha := math.Exp(-5) // t₁ = 5, t₂ = 10, t₃ = 250
	times := []float64{0, 5.4, 5.6, 100}
	losses := []float64{4, 4, 1, 1} // jump 1 at 5.5, jump 2 never
	got, ok := sc.JumpError(times, losses, alpha, 100)
	if want := (0.5/5 + 90.0/10) / 2; !ok || math.Abs(got-want) > 1e-12 {
		t.Errorf("JumpError = %v, %v; want %v", got, ok, want)
	}
	if _, ok := sc.JumpError(times, losses, alpha, 4); ok {
		t.Error("no jump is predicted before t = 4, yet JumpError reports one")
	}
	if _, ok := sc.JumpError(times, losses, 2, 100); ok {
		t.Error("α ≥ 1 has no staircase, yet JumpError reports an error")
	}
}
