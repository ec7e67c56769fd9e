package sim

import (
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"
)

// newGDOnePassPair returns GD on a seeded problem twice: the two-pass step
// on one core, and the one-pass step on one core or two, whatever the size
// thresholds say (n < 4 included).
func newGDOnePassPair(t *testing.T, n, d int, step float64, twoCores bool) (serial, fast *gdMethod) {
	t.Helper()
	p := sparseGaussianProblem(n, d, uint64(n*1000+d))
	mk := func() *gdMethod {
		m, err := NewGD(p, UniformInit(0.1, p.D), Params{Step: step, Batch: 1})
		if err != nil {
			t.Fatal(err)
		}
		return m.(*gdMethod)
	}
	serial, fast = mk(), mk()
	serial.fast = nil
	fast.fast = newGDOnePass(fast, twoCores)
	fast.Reset()
	return serial, fast
}

// The one-pass step, on one core and on two, gives the same run as the
// two-pass step to 1e-12 relative over 300 steps (more than the exact
// residual's period): β, w±, the span coefficients of G and ∫L. It is not
// bit for bit: r_{k+1} is r_k plus the increments, not Xβ_{k+1} − y
// afresh, and the dots are summed in another order; the differences are
// about 1e-15. Sizes: n not a multiple of 8 (padded rows), n = 1 and 2, d
// below the kernel's four columns and with a column tail, d too small for
// the two-core split to give the second core anything.
func TestOnePassGDMatchesTwoPass(t *testing.T) {
	sizes := [][2]int{{1, 9}, {2, 5}, {4, 3}, {5, 7}, {8, 8}, {7, 61}, {9, 203}, {33, 517}}
	for _, twoCores := range []bool{false, true} {
		for _, size := range sizes {
			name := fmt.Sprintf("(n, d) = %v, two cores %v", size, twoCores)
			serial, fast := newGDOnePassPair(t, size[0], size[1], 0.05, twoCores)
			stepAndCompareGD(t, name, serial, fast, 300)
			// The run did train, so the comparison is not between idle states.
			p := fast.prob
			if l0, l := lossAt(p, make([]float64, p.D)), lossAt(p, fast.state.Beta); !(l < 0.1*l0) {
				t.Fatalf("%s: loss %g from %g: GD did not train", name, l, l0)
			}
		}
	}
}

// A diverging run stops at the same step on the one-pass path as on the
// two-pass one, with no NaN left in β.
func TestOnePassGDDivergence(t *testing.T) {
	for _, twoCores := range []bool{false, true} {
		for _, size := range [][2]int{{5, 40}, {9, 203}} {
			serial, fast := newGDOnePassPair(t, size[0], size[1], 50, twoCores)
			var es, ef error
			for range 200 {
				if es == nil {
					es = serial.Step()
				}
				if ef == nil {
					ef = fast.Step()
				}
			}
			if es == nil || ef == nil {
				t.Fatalf("%v: γ = 50 did not diverge: %v, %v", size, es, ef)
			}
			if serial.err.Step != fast.err.Step {
				t.Fatalf("%v, two cores %v: diverged at step %d one-pass, %d two-pass", size, twoCores, fast.err.Step, serial.err.Step)
			}
		}
	}
}

// Reset makes the one-pass step recompute its residual: a run repeated
// after Reset is the same run, bit for bit, wherever in the cycle of
// exact passes the reset fell (after 63 steps the next would be one).
func TestOnePassGDReset(t *testing.T) {
	for _, twoCores := range []bool{false, true} {
		_, m := newGDOnePassPair(t, 6, 50, 0.05, twoCores)
		if e := resetRepeatsRun(t, m); e != 0 {
			t.Fatalf("two cores %v: after Reset the run differs by %.3g", twoCores, e)
		}
		_, fresh := newGDOnePassPair(t, 6, 50, 0.05, twoCores)
		mustStep(t, fresh, 3*gdExactEvery)
		m.Reset()
		mustStep(t, m, gdExactEvery-1)
		m.Reset()
		mustStep(t, m, 3*gdExactEvery)
		if e := RelativeDistance(m.state.Beta, fresh.state.Beta); e != 0 {
			t.Fatalf("two cores %v: reset one step before an exact pass, the run differs by %.3g", twoCores, e)
		}
	}
}

// No GD step allocates, on any of its paths, including the steps that
// recompute the residual exactly and the hand-off to the second core.
func TestGDStepsDoNotAllocate(t *testing.T) {
	p := sparseGaussianProblem(9, 203, 11)
	for _, kind := range []GDStepKind{GDTwoPass, GDColumnSplit, GDOnePass, GDOnePassSplit} {
		m := NewGDForBenchmark(t, p, kind)
		if allocs := testing.AllocsPerRun(3*gdExactEvery, func() {
			if err := m.Step(); err != nil {
				t.Fatal(err)
			}
		}); allocs != 0 {
			t.Fatalf("step kind %d: %v allocations per step", kind, allocs)
		}
	}
}

// The size thresholds pick the step: two passes for small X and for n < 4,
// one pass on one core, then on two.
func TestGDPicksItsStep(t *testing.T) {
	for _, tc := range []struct {
		n, d     int
		onePass  bool
		twoCores bool
	}{
		{40, 100, true, false}, {20, 50, false, false}, {2, 5000, false, false}, {100, 1000, true, false},
		{200, 2000, true, true}, {400, 4000, true, true},
	} {
		m, err := NewGD(sparseGaussianProblem(tc.n, tc.d, 1), UniformInit(0.1, tc.d), Params{Step: 0.01, Batch: 1})
		if err != nil {
			t.Fatal(err)
		}
		f, ok := m.(*gdMethod).fast.(*gdOnePass)
		if ok != tc.onePass {
			t.Fatalf("(n, d) = (%d, %d): one-pass %v, want %v", tc.n, tc.d, ok, tc.onePass)
		}
		if ok && runtime.GOMAXPROCS(0) >= 2 && (f.helper != nil) != tc.twoCores {
			t.Fatalf("(n, d) = (%d, %d): two cores %v, want %v", tc.n, tc.d, f.helper != nil, tc.twoCores)
		}
	}
}

// The one-pass step's helper goroutine ends with its method, as the
// column-block split's does.
func TestOnePassGDHelperEndsWithItsMethod(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one core: no helper goroutine")
	}
	ended := func() chan struct{} {
		_, m := newGDOnePassPair(t, 9, 203, 0.05, true)
		for range 3 {
			if err := m.Step(); err != nil {
				t.Fatal(err)
			}
		}
		return m.fast.(*gdOnePass).helper.ended
	}()
	for range 500 { // collection and the cleanup are asynchronous
		runtime.GC()
		select {
		case <-ended:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("the helper goroutine still runs after its method was dropped")
}

// The memory estimate counts the column copy exactly when GD makes one:
// its size at (400, 4000) with the padding of n = 5 to 8 rows, none for
// n = 1, for a copy above the bound or for other algorithms.
func TestExtraStepBytes(t *testing.T) {
	for _, tc := range []struct {
		a    Algo
		n, d int
		want float64
	}{
		{GD, 400, 4000, 8 * 400 * 4000}, {GD, 5, 1000, 8 * 8 * 1000}, {Algo("gd:step=0.1"), 400, 4000, 8 * 400 * 4000},
		{GD, 1, 50_000_000, 0}, {GD, 10_000, 10_000, 0}, {SGD, 400, 4000, 0}, {GF, 400, 4000, 0},
	} {
		if got := ExtraStepBytes(tc.a, tc.n, tc.d); got != tc.want {
			t.Fatalf("%s at (%d, %d): %v bytes, want %v", tc.a, tc.n, tc.d, got, tc.want)
		}
	}
}

// Every gdExactEvery steps the one-pass step's own pass gives Xβ_{k+1}, and
// r_{k+1} is set from it, not from the increments: after that step r is the
// plain loop's residual to the rounding of one pass (where the increments
// before it had drifted by more), the count restarts, and X by rows is
// never read again after the first step (the step's begin recomputes
// nothing).
func TestOnePassExactPassResetsResidual(t *testing.T) {
	for _, twoCores := range []bool{false, true} {
		_, m := newGDOnePassPair(t, 21, 60, 0.05, twoCores)
		f := m.fast.(*gdOnePass)
		p := m.prob
		exactSteps := 0
		for k := range 3 * gdExactEvery {
			mustStep(t, m, 1)
			if f.stale {
				t.Fatal("the residual is stale after a step")
			}
			if f.sinceExact != 0 {
				continue
			}
			exactSteps++
			if k+1 != exactSteps*gdExactEvery {
				t.Errorf("step %d: an exact pass; want them at every %d steps", k+1, gdExactEvery)
			}
			for i := range p.N {
				r, size := -p.Y[i], math.Abs(p.Y[i])
				for j := range p.D {
					r += p.X[i*p.D+j] * m.state.Beta[j]
					size += math.Abs(p.X[i*p.D+j] * m.state.Beta[j])
				}
				if e := math.Abs(m.resid[i] - r); e > 8*0x1p-52*size {
					t.Fatalf("two cores %v, step %d: r[%d] = %v, the plain residual %v (%.1f roundings)", twoCores, k+1, i, m.resid[i], r, e/(0x1p-52*size))
				}
			}
		}
		if exactSteps != 3 {
			t.Errorf("two cores %v: %d exact passes in %d steps, want 3", twoCores, exactSteps, 3*gdExactEvery)
		}
		// The same run with X by rows overwritten by NaN after the first
		// step ends on the same β: the steps read only the copy.
		_, blind := newGDOnePassPair(t, 21, 60, 0.05, twoCores)
		mustStep(t, blind, 1)
		for i := range blind.prob.X {
			blind.prob.X[i] = math.NaN()
		}
		mustStep(t, blind, 3*gdExactEvery-1)
		for j, b := range blind.state.Beta {
			if math.Float64bits(b) != math.Float64bits(m.state.Beta[j]) {
				t.Fatalf("two cores %v: β[%d] = %v with X by rows gone, %v with it", twoCores, j, b, m.state.Beta[j])
			}
		}
	}
}
