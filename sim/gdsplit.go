package sim

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// gdSplitMinElems is the size of X (n·d entries) from which GD takes its
// column-block step shared with a second core, where it does not take the
// one-pass step (gdonepass.go): n < 4, or a copy of X above gdCopyMaxBytes.
// On a quiet 2-core machine (BenchmarkGDSplit) the split step took 130–158
// µs against 104–116 µs for the two-pass step at (200, 2000) (0.4M entries),
// and 469–494 µs against 490–592 µs at (400, 4000) (1.6M entries).
const gdSplitMinElems = 1 << 20

// gdExactEvery is how many column-block steps may update the residual
// incrementally before it is recomputed as Xβ − y, so that rounding in the
// increments cannot accumulate over a long run.
const gdExactEvery = 64

// gdBlockBytes is the size of a column block of X. Blocks small enough to
// stay in L2 between their two uses in a step (256 KB) were measured 2×
// slower than two plain passes at (n, d) = (400, 4000): gonum's kernels
// walk a block row by row, and rows of a few dozen entries cost more in
// call and loop overhead than the second read of X saves. So a block is a
// whole half of X up to this size (only d in the millions splits further),
// and the step costs on one core what the two-pass step costs.
const gdBlockBytes = 32 << 20

// gdSplit is GD's step at large X, on two cores (theory.md §2 for the
// update). The multiplicative update is elementwise, so X can be walked in
// column blocks X_J: g_J = X_Jᵀr_k/n, update w±_J and β_J, then add
// X_J(β_{k+1,J} − β_{k,J}) to the next residual. Each of two parts owns
// half of the columns and sums its residual increment privately; the
// increments are added to r once per step, so the two cores meet once a
// step instead of twice (after Xβ and after Xᵀr).
type gdSplit struct {
	parts  [2]gdPart
	helper *gdHelper // the second core's goroutine; nil on one core
	splitResidual
}

// gdPart is one half of the columns with its buffers, preallocated so that
// a step allocates nothing.
type gdPart struct {
	m      *gdMethod
	lo, hi int
	width  int
	g, dj  []float64 // a block's gradient and β increment
	dr     []float64 // this part's increment of the residual (n)
	norm2  float64
}

func newGDSplit(m *gdMethod) *gdSplit {
	n, d := m.prob.N, m.prob.D
	width := max(8, (gdBlockBytes/8/n)&^7)
	mid := (d / 2) &^ 7
	s := &gdSplit{helper: startGDHelper(m), splitResidual: splitResidual{stale: true}}
	for i, cols := range [2][2]int{{0, mid}, {mid, d}} {
		s.parts[i] = gdPart{
			m: m, lo: cols[0], hi: cols[1], width: width,
			g: make([]float64, width), dj: make([]float64, width), dr: make([]float64, n),
		}
	}
	return s
}

// run walks the part's column blocks once: gradient, update, and the
// residual increment X_J·Δβ_J.
func (p *gdPart) run() {
	m := p.m
	n, d := m.prob.N, m.prob.D
	X, beta := m.prob.X, m.state.Beta
	impl := blas64.Implementation()
	clear(p.dr)
	p.norm2 = 0
	for j0 := p.lo; j0 < p.hi; j0 += p.width {
		j1 := min(j0+p.width, p.hi)
		w := j1 - j0
		g, dj := p.g[:w], p.dj[:w]
		impl.Dgemv(blas.Trans, n, w, 1/float64(n), X[j0:], d, m.resid, 1, 0, g, 1)
		copy(dj, beta[j0:j1])
		p.norm2 += multiplicativeUpdate(m.wp[j0:j1], m.wm[j0:j1], beta[j0:j1], g, m.params.Step)
		for k := range dj {
			dj[k] = beta[j0+k] - dj[k]
		}
		impl.Dgemv(blas.NoTrans, n, w, 1, X[j0:], d, dj, 1, 1, p.dr, 1)
	}
}

func (s *gdSplit) invalidate() { s.stale = true }

// step is one GD step. It returns the loss at β_k and ‖β_{k+1}‖², and
// leaves r_{k+1} in m.resid; it has added γ·r_k/n to the span coefficients
// (G += γg, §5) before r changed.
func (s *gdSplit) step(m *gdMethod) (loss, norm2 float64, ok bool) {
	if loss, ok = s.begin(m, s.helper, false); !ok {
		return loss, 0, false
	}
	own, other := &s.parts[0], &s.parts[1]
	runParts(s.helper, own, other, other.lo < other.hi)
	s.end(m, own.dr, other.dr)
	return loss, own.norm2 + other.norm2, true
}
