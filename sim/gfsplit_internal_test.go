package sim

import (
	"math"
	"runtime"
	"testing"
)

// GF with its right-hand side on two cores follows the one-core run to
// 1e-12 relative: β, G and ∫L after the same horizon, at an α where the
// flow is smooth (explicit steps) and one where it is stiff (the Rodas
// steps, whose Jacobian reads the same right-hand sides). The two differ
// only in the order Xβ's two halves are added; column counts that do not
// fill the last block, and fewer columns than one block, are included.
func TestGFSplitMatchesOneCore(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two cores for the helper")
	}
	for _, c := range []struct {
		n, d  int
		alpha float64
	}{{12, 1300, 0.1}, {12, 1300, 5}, {7, 300, 0.1}} {
		p := sparseGaussianProblem(c.n, c.d, uint64(c.n*1000+c.d))
		run := func(split bool) *gfMethod {
			old := gfSplitMinElems
			if split {
				gfSplitMinElems = 0
			}
			m, err := NewGF(p, UniformInit(c.alpha, p.D), Params{Step: 0.08, Batch: 1}, DefaultGFTolerance)
			gfSplitMinElems = old
			if err != nil {
				t.Fatal(err)
			}
			g := m.(*gfMethod)
			if (g.split != nil) != split {
				t.Fatalf("split %v, want %v", g.split != nil, split)
			}
			if err := g.AdvanceTo(20); err != nil {
				t.Fatal(err)
			}
			return g
		}
		one, two := run(false), run(true)
		if c.alpha == 5 && (one.rodas == nil || two.rodas == nil) {
			t.Errorf("(%d, %d) α 5: the stiff mode was not reached", c.n, c.d)
		}
		if e := RelativeDistance(two.State().Beta, one.State().Beta); !(e <= 1e-12) {
			t.Errorf("(%d, %d) α %g: β differs by %.3g relative", c.n, c.d, c.alpha, e)
		}
		if e := RelativeDistance(two.span, one.span); !(e <= 1e-12) {
			t.Errorf("(%d, %d) α %g: G differs by %.3g relative", c.n, c.d, c.alpha, e)
		}
		if a, b := two.State().IntLoss, one.State().IntLoss; !(math.Abs(a-b) <= 1e-12*math.Abs(b)) {
			t.Errorf("(%d, %d) α %g: ∫L %v against %v", c.n, c.d, c.alpha, a, b)
		}
	}
}
