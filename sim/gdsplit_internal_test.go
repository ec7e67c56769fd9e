package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"sgdbias/sim/problem"
)

// sparseGaussianProblem draws X with N(0,1) entries and y = Xβ* for a β* with
// three non-zeros, from a seeded generator.
func sparseGaussianProblem(n, d int, seed uint64) *problem.Problem {
	rng := rand.New(rand.NewPCG(seed, 7))
	p := &problem.Problem{N: n, D: d, X: make([]float64, n*d), Y: make([]float64, n)}
	for k := range p.X {
		p.X[k] = rng.NormFloat64()
	}
	// A slice, not a map: y must be summed in the same order every time.
	star := []struct {
		j int
		b float64
	}{{0, 1.5}, {d / 2, -1}, {d - 1, 0.7}}
	for i := range n {
		for _, c := range star {
			p.Y[i] += p.X[i*d+c.j] * c.b
		}
	}
	p.Finish()
	return p
}

// newGDPair returns GD on p twice: the two-pass step on one core, and the
// column-block step split over two cores (whatever the size threshold says).
func newGDPair(t *testing.T, p *problem.Problem, step float64) (serial, split *gdMethod) {
	t.Helper()
	mk := func() *gdMethod {
		m, err := NewGD(p, UniformInit(0.1, p.D), Params{Step: step, Batch: 1})
		if err != nil {
			t.Fatal(err)
		}
		return m.(*gdMethod)
	}
	serial, split = mk(), mk()
	serial.fast = nil
	split.fast = newGDSplit(split)
	split.Reset()
	return serial, split
}

// stepAndCompareGD steps two GD runs of one problem side by side and fails
// unless β, w± and G's coefficients agree to 1e-12 relative after the first
// and the last step, and ∫L at the end.
func stepAndCompareGD(t *testing.T, name string, serial, fast *gdMethod, steps int) {
	t.Helper()
	for k := range steps {
		if err := serial.Step(); err != nil {
			t.Fatal(err)
		}
		if err := fast.Step(); err != nil {
			t.Fatal(err)
		}
		if k == 0 || k == steps-1 {
			for what, pair := range map[string][2][]float64{
				"β": {fast.state.Beta, serial.state.Beta}, "w₊": {fast.wp, serial.wp},
				"w₋": {fast.wm, serial.wm}, "G's coefficients": {fast.spanCoef, serial.spanCoef},
			} {
				if e := RelativeDistance(pair[0], pair[1]); e > 1e-12 {
					t.Fatalf("%s, step %d: %s differs by %.3g relative", name, k+1, what, e)
				}
			}
		}
	}
	if a, b := fast.state.IntLoss, serial.state.IntLoss; math.Abs(a-b) > 1e-12*math.Abs(b) {
		t.Fatalf("%s: ∫L %v vs %v", name, a, b)
	}
}

// The column-block GD step on two cores gives the same β as the two-pass step
// on one core to 1e-12 relative (the residual is summed in another order,
// so not bit for bit: about 1e-15 after 300 steps), on sizes that split
// unevenly (odd n, d not a multiple of 8), with one block per half and with
// blocks of 8 columns, over more steps than the residual's exact refresh.
func TestSplitGDMatchesSerial(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Log("one core: the split step runs both halves itself")
	}
	for _, tc := range []struct{ n, d, width int }{{2, 16, 0}, {7, 61, 0}, {7, 61, 8}, {33, 517, 0}, {33, 517, 16}} {
		size := [2]int{tc.n, tc.d}
		p := sparseGaussianProblem(size[0], size[1], uint64(size[1]))
		serial, split := newGDPair(t, p, 0.05)
		if tc.width > 0 {
			for i := range split.fast.(*gdSplit).parts {
				split.fast.(*gdSplit).parts[i].width = tc.width
			}
		}
		stepAndCompareGD(t, fmt.Sprintf("(n, d) = %v", size), serial, split, 300)
		// The run did train: the loss fell by orders of magnitude, so the
		// comparison is not between two idle states.
		if l0, l := lossAt(p, make([]float64, p.D)), lossAt(p, split.state.Beta); !(l < 1e-2*l0) {
			t.Fatalf("(n, d) = %v: loss %g from %g: GD did not train", size, l, l0)
		}
	}
}

func lossAt(p *problem.Problem, beta []float64) float64 {
	return residual(p, beta, make([]float64, p.N))
}

// Two split runs stepping at once, each with its own helper goroutine,
// both match the one-core run.
func TestSplitGDConcurrentRuns(t *testing.T) {
	p := sparseGaussianProblem(9, 203, 3)
	serial, a := newGDPair(t, p, 0.05)
	_, b := newGDPair(t, p, 0.05)
	for range 200 {
		if err := serial.Step(); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for _, m := range []*gdMethod{a, b} {
		wg.Go(func() {
			for range 200 {
				if err := m.Step(); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, m := range []*gdMethod{a, b} {
		if e := RelativeDistance(m.state.Beta, serial.state.Beta); e > 1e-12 {
			t.Fatalf("β differs by %.3g relative", e)
		}
	}
}

// Reset makes the column-block step recompute its residual: a run repeated
// after Reset is the same run.
func TestSplitGDReset(t *testing.T) {
	p := sparseGaussianProblem(6, 50, 5)
	_, m := newGDPair(t, p, 0.05)
	if e := resetRepeatsRun(t, m); e != 0 {
		t.Fatalf("after Reset the run differs by %.3g", e)
	}
}

// A split step detects a non-finite loss like the one-core step.
func TestSplitGDDivergence(t *testing.T) {
	p := sparseGaussianProblem(5, 40, 4)
	serial, split := newGDPair(t, p, 50)
	var es, ep error
	for range 200 {
		if es == nil {
			es = serial.Step()
		}
		if ep == nil {
			ep = split.Step()
		}
	}
	if es == nil || ep == nil {
		t.Fatalf("γ = 50 did not diverge: %v, %v", es, ep)
	}
	if serial.err.Step != split.err.Step {
		t.Fatalf("diverged at step %d split, %d serial", split.err.Step, serial.err.Step)
	}
}

// A split method's helper goroutine ends once the method is collected, so
// that runs made and dropped (sweeps, the explorer's restarts) leave none:
// the cleanup tells the helper to end.
func TestSplitGDHelperEndsWithItsMethod(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one core: no helper goroutine")
	}
	ended := func() chan struct{} {
		_, m := newGDPair(t, sparseGaussianProblem(9, 203, 3), 0.05)
		for range 3 {
			if err := m.Step(); err != nil {
				t.Fatal(err)
			}
		}
		if m.fast.(*gdSplit).helper == nil {
			t.Fatal("no helper on two cores")
		}
		return m.fast.(*gdSplit).helper.ended
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
