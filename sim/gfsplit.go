package sim

import "gonum.org/v1/gonum/blas"

// gfSplitMinElems is the size of X (n·d entries) from which GF's
// right-hand side is shared with a second core: each core takes half of
// the column blocks (Xᵀc, β, then its part of Xβ), and the two parts of Xβ
// are added in a fixed order, so a run is deterministic; it differs from
// the one-core sum in the last bits. A right-hand side at this size reads
// 4 MB of X twice and takes d sinh, hundreds of µs, against a hand-off of a
// few µs; at n = 1, d = 1e6 the split took GF to T = 500 from 6.5 s to
// 4.8 s.
var gfSplitMinElems = 1 << 19 // a variable only so that tests can force the split

// gfSplit is the second core's share of GF's right-hand side.
type gfSplit struct {
	helper *gdHelper
	half   gfHalf
	r      []float64 // the second half's Xβ
}

// gfHalf is the columns [lo, hi) of one right-hand side, run by the helper.
type gfHalf struct {
	m                *gfMethod
	coef, span, beta []float64
	lo, hi           int
	r                []float64
}

func (h *gfHalf) run() { h.m.rhsColumns(h.coef, h.span, h.beta, h.r, h.lo, h.hi) }

// newGFSplit returns the split for m, or nil on one core or below the
// threshold.
func newGFSplit(m *gfMethod) *gfSplit {
	p := m.prob
	if float64(p.N)*float64(p.D) < float64(gfSplitMinElems) {
		return nil
	}
	h := startHelper(m)
	if h == nil {
		return nil
	}
	return &gfSplit{helper: h, half: gfHalf{m: m}, r: make([]float64, p.N)}
}

// rhsColumns adds X_J·β(X_Jᵀc) to r over the columns J = [lo, hi), by
// blocks of rhsBlock columns, writing span and beta on J.
func (m *gfMethod) rhsColumns(coef, span, beta, r []float64, lo, hi int) {
	p := m.prob
	n, d := p.N, p.D
	for j0 := lo; j0 < hi; j0 += rhsBlock {
		k := min(rhsBlock, hi-j0)
		block := p.X[j0:]
		m.impl.Dgemv(blas.Trans, n, k, 1, block, d, coef, 1, 0, span[j0:j0+k], 1)
		m.betaFromSpan(j0, span[j0:j0+k], beta[j0:j0+k])
		m.impl.Dgemv(blas.NoTrans, n, k, 1, block, d, beta[j0:j0+k], 1, 1, r, 1)
	}
}

// xBeta sets r = Xβ(Xᵀc) − y, on two cores when the split is on.
func (m *gfMethod) xBeta(coef, span, beta, r []float64) {
	for i, y := range m.prob.Y {
		r[i] = -y
	}
	d := m.prob.D
	s := m.split
	if s == nil {
		m.rhsColumns(coef, span, beta, r, 0, d)
		return
	}
	// Whole blocks on the first core; with one block or less it takes all.
	mid := min(d, (d/2+rhsBlock-1)/rhsBlock*rhsBlock)
	clear(s.r)
	s.half.coef, s.half.span, s.half.beta, s.half.lo, s.half.hi, s.half.r = coef, span, beta, mid, d, s.r
	s.helper.start(&s.half)
	m.rhsColumns(coef, span, beta, r, 0, mid)
	s.helper.finish()
	s.half.coef, s.half.span, s.half.beta = nil, nil, nil
	for i, v := range s.r {
		r[i] += v
	}
}
