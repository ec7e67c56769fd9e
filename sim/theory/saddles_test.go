package theory

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// plantedInstance is Gaussian data with a given β* (theory.md §9's example).
func plantedInstance(seed uint64, n, d int, planted []float64) instance {
	rng := rand.New(rand.NewPCG(seed, 7))
	in := instance{n: n, d: d, x: make([]float64, n*d), y: make([]float64, n), betaStar: make([]float64, d)}
	for i := range in.x {
		in.x[i] = rng.NormFloat64()
	}
	copy(in.betaStar, planted)
	for i := range n {
		in.y[i] = dot(in.row(i), in.betaStar)
	}
	return in
}

func mustSchedule(t *testing.T, s *Solver) Schedule {
	t.Helper()
	sc, err := s.Saddles()
	if err != nil {
		t.Fatal(err)
	}
	if sc.Jumps() < 1 {
		t.Fatalf("schedule has no jump")
	}
	return sc
}

// checkScheduleInvariants recomputes every saddle's loss from scratch and
// checks that τ increases, the plateaus' losses decrease, and g_j = 0 on
// each saddle's support (the least squares is solved there).
func checkScheduleInvariants(t *testing.T, in instance, sc Schedule) {
	t.Helper()
	prevTau, prevLoss := -1.0, math.Inf(1)
	for k, sd := range sc.Saddles {
		if sd.Tau <= prevTau && k > 0 {
			t.Errorf("saddle %d: τ = %.6g not after %.6g", k, sd.Tau, prevTau)
		}
		r := make([]float64, in.n)
		for i := range r {
			r[i] = dot(in.row(i), sd.Beta) - in.y[i]
		}
		loss := dot(r, r) / (4 * float64(in.n))
		if math.Abs(loss-sd.Loss) > 1e-12*math.Max(1, loss) {
			t.Errorf("saddle %d: Loss %.15g, recomputed %.15g", k, sd.Loss, loss)
		}
		if loss >= prevLoss {
			t.Errorf("saddle %d: loss %.6g does not decrease from %.6g", k, loss, prevLoss)
		}
		g := in.xt(r)
		for _, j := range sd.Support {
			if math.Abs(g[j]) > 1e-9*norm(in.y)*math.Sqrt(float64(in.n)) {
				t.Errorf("saddle %d: support coordinate %d has Xᵀr = %.3g", k, j, g[j])
			}
		}
		prevTau, prevLoss = sd.Tau, loss
	}
}

// TestSaddlesLastIsMinL1 is theory.md §9 check (a): the last saddle is the
// minimum-ℓ₁ interpolator of MinL1 to 1e-9, on the §9 example and on
// random sparse instances.
func TestSaddlesLastIsMinL1(t *testing.T) {
	cases := []instance{
		plantedInstance(1, 10, 30, []float64{4, -2, 1, 0.5}),
		plantedInstance(2, 10, 30, []float64{4, -2, 1, 0.5}),
		gaussianInstance(3, 15, 40, 4, 0),
		gaussianInstance(4, 20, 50, 6, 0),
		gaussianInstance(5, 12, 30, 12, 0.1), // no exact recovery: support of size n
		gaussianInstance(6, 30, 80, 5, 0),
	}
	for i, in := range cases {
		t.Run(fmt.Sprintf("case%d/%dx%d", i, in.n, in.d), func(t *testing.T) {
			s := in.solver()
			sc := mustSchedule(t, s)
			checkScheduleInvariants(t, in, sc)
			l1, err := s.MinL1()
			if err != nil || !l1.Certified {
				t.Fatalf("MinL1: %v (certified %v)", err, l1.Certified)
			}
			last := sc.Saddles[len(sc.Saddles)-1]
			if d := relDist(last.Beta, l1.Beta); d > 1e-9 {
				t.Errorf("last saddle is %.3g from min-ℓ₁", d)
			}
			t.Logf("%d saddles, τ = %.4f …", sc.Jumps(), taus(sc, 5))
		})
	}
}

func taus(sc Schedule, k int) []float64 {
	var out []float64
	for _, s := range sc.Saddles[1:min(k+1, len(sc.Saddles))] {
		out = append(out, s.Tau)
	}
	return out
}

// TestSaddlesOneSample is §9 check (c): with n = 1, g(0) = −x·y, the first
// coordinate to reach |s_j| = 1 is argmax |x_j| at τ₁ = 1/max_j|x_j·y|, and
// the single saddle β_j = y/x_j interpolates.
func TestSaddlesOneSample(t *testing.T) {
	x := []float64{0.3, -1.7, 0.9, 1.2, -0.4}
	y := []float64{2.5}
	sc := mustSchedule(t, NewSolver(1, 5, x, y))
	if sc.Jumps() != 1 {
		t.Fatalf("%d jumps, want 1", sc.Jumps())
	}
	s1 := sc.Saddles[1]
	wantTau := 1 / (1.7 * 2.5)
	if math.Abs(s1.Tau-wantTau) > 1e-15*wantTau {
		t.Errorf("τ₁ = %.17g, want %.17g", s1.Tau, wantTau)
	}
	if len(s1.Support) != 1 || s1.Support[0] != 1 {
		t.Fatalf("support %v, want [1]", s1.Support)
	}
	if want := 2.5 / -1.7; math.Abs(s1.Beta[1]-want) > 1e-15 {
		t.Errorf("β₁ = %.17g, want %.17g", s1.Beta[1], want)
	}
	if s1.Loss > 1e-30 || len(s1.Enter) != 1 || s1.Enter[0] != (SignedIndex{Index: 1, Sign: -1}) {
		t.Errorf("loss %.3g, enter %v", s1.Loss, s1.Enter)
	}
}

// TestSaddlesDuplicatedColumns: a copy of a column (and a negated copy)
// reaches the boundary at the same τ; the least squares must not break on the
// rank deficiency, and the final saddle keeps min-ℓ₁ value.
func TestSaddlesDuplicatedColumns(t *testing.T) {
	base := plantedInstance(11, 8, 20, []float64{3, -1.5, 0.7})
	d := base.d + 2
	in := instance{n: base.n, d: d, x: make([]float64, base.n*d), y: base.y}
	for i := range base.n {
		row := in.x[i*d : (i+1)*d]
		copy(row, base.row(i))
		row[base.d] = row[0]    // a copy of the strongest column
		row[base.d+1] = -row[1] // a negated copy of the second
	}
	s := in.solver()
	sc := mustSchedule(t, s)
	checkScheduleInvariants(t, in, sc)
	bs := mustSchedule(t, base.solver())
	if sc.Jumps() != bs.Jumps() {
		t.Errorf("%d jumps with duplicates, %d without", sc.Jumps(), bs.Jumps())
	}
	for k := range min(sc.Jumps(), bs.Jumps()) + 1 {
		a, b := sc.Saddles[k], bs.Saddles[k]
		if math.Abs(a.Tau-b.Tau) > 1e-12*math.Max(1, b.Tau) || math.Abs(a.L1-b.L1) > 1e-9*math.Max(1, b.L1) || math.Abs(a.Loss-b.Loss) > 1e-12*math.Max(1, b.Loss) {
			t.Errorf("saddle %d: (τ, ‖β‖₁, L) = (%.12g, %.12g, %.12g) with duplicates, (%.12g, %.12g, %.12g) without",
				k, a.Tau, a.L1, a.Loss, b.Tau, b.L1, b.Loss)
		}
	}
	// The duplicate pair shares its weight: column 0 and its copy together
	// carry what column 0 carries alone.
	last, lastBase := sc.Saddles[sc.Jumps()].Beta, bs.Saddles[bs.Jumps()].Beta
	if got := last[0] + last[base.d]; math.Abs(got-lastBase[0]) > 1e-9 {
		t.Errorf("β₀ + β_copy = %.12g, want %.12g", got, lastBase[0])
	}
	if got := last[1] - last[base.d+1]; math.Abs(got-lastBase[1]) > 1e-9 {
		t.Errorf("β₁ − β_negcopy = %.12g, want %.12g", got, lastBase[1])
	}
}

// TestSaddlesDeterministic: the same data give bit-identical schedules.
func TestSaddlesDeterministic(t *testing.T) {
	in := gaussianInstance(21, 15, 40, 5, 0)
	a, b := mustSchedule(t, in.solver()), mustSchedule(t, in.solver())
	if len(a.Saddles) != len(b.Saddles) {
		t.Fatalf("%d vs %d saddles", len(a.Saddles), len(b.Saddles))
	}
	for k := range a.Saddles {
		if a.Saddles[k].Tau != b.Saddles[k].Tau || !slices.Equal(a.Saddles[k].Beta, b.Saddles[k].Beta) {
			t.Fatalf("saddle %d differs", k)
		}
	}
}

func TestSaddlesRejectsBadInput(t *testing.T) {
	square := NewSolver(3, 3, []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}, []float64{1, 2, 3})
	if _, err := square.Saddles(); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("n = d: err = %v, want ErrInvalidInput", err)
	}
	nan := NewSolver(1, 2, []float64{1, math.NaN()}, []float64{1})
	if _, err := nan.Saddles(); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("NaN in X: err = %v, want ErrInvalidInput", err)
	}
	zero := NewSolver(1, 2, []float64{1, 2}, []float64{0})
	sc, err := zero.Saddles()
	if err != nil || len(sc.Saddles) != 1 || sc.Jumps() != 0 {
		t.Errorf("y = 0: %v, %d saddles; want only the origin", err, len(sc.Saddles))
	}
}

func TestSaddlesCancelled(t *testing.T) {
	in := gaussianInstance(31, 20, 50, 6, 0)
	s := in.solver()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.Context = ctx
	if _, err := s.Saddles(); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestSaddlesExactTie: two orthogonal columns equally correlated with y reach
// the boundary at the same τ and join in one jump (theory.md §9 step 2):
// X = [e₁ e₂ c₃ c₄] with y = (1, 1), so g(0) = −(1, 1, …)/2 on the first two
// and τ₁ = 1/(1/2) = 2; the single saddle is β = (1, 1, 0, 0).
func TestSaddlesExactTie(t *testing.T) {
	x := []float64{
		1, 0, 0.3, -0.2,
		0, 1, 0.1, 0.25,
	}
	sc := mustSchedule(t, NewSolver(2, 4, x, []float64{1, 1}))
	if sc.Jumps() != 1 {
		t.Fatalf("%d jumps, want 1", sc.Jumps())
	}
	s1 := sc.Saddles[1]
	if s1.Tau != 2 || len(s1.Enter) != 2 || s1.Enter[0] != (SignedIndex{0, 1}) || s1.Enter[1] != (SignedIndex{1, 1}) {
		t.Errorf("τ₁ = %v, enter %v; want 2 and 0+, 1+", s1.Tau, s1.Enter)
	}
	if math.Abs(s1.Beta[0]-1) > 1e-15 || math.Abs(s1.Beta[1]-1) > 1e-15 || s1.Beta[2] != 0 || s1.Beta[3] != 0 {
		t.Errorf("β¹ = %v, want (1, 1, 0, 0)", s1.Beta)
	}
}
