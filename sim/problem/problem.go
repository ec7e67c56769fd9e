// Package problem builds, loads, validates and writes the regression problems
// that sgdbias trains on: a design X (n×d, n < d, rank n), labels y and an
// optional sparse ground truth β* (theory.md §1).
package problem

import "sync"

// Problem is one validated regression instance. X is stored row-major so that
// a row x_i is the contiguous slice X[i*D:(i+1)*D].
type Problem struct {
	N, D int
	X    []float64 // n×d, row-major
	Y    []float64 // length n
	// BetaStar is the ground truth, nil when unknown (a loaded file without it).
	BetaStar []float64
	// FeatureVar is the diagonal of the feature covariance Σ used for the test
	// error (β−β*)ᵀΣ(β−β*); nil means the identity (isotropic or loaded data).
	FeatureVar []float64
	// diagH holds diag(XᵀX/n) once a method or output asks for it (HDiag):
	// most runs never read it, and at large d it is one more vector of
	// length d.
	diagH *lazyVector
	// Source says where the problem came from: "generated" or a file name.
	Source string
}

// Row returns x_i without copying.
func (p *Problem) Row(i int) []float64 { return p.X[i*p.D : (i+1)*p.D] }

// Finish forgets the derived fields (diag(H)), which are computed again
// when first asked for. Call it after filling or changing X.
func (p *Problem) Finish() {
	p.diagH = &lazyVector{}
}

// lazyVector is a vector computed once, on first use, by whichever
// goroutine asks first (the runs of one problem share it).
type lazyVector struct {
	once   sync.Once
	values []float64
}

// HDiag is diag(H) = diag(XᵀX/n) (theory.md §1, §4), computed on first use
// and kept; do not modify it. A problem never Finished computes it at every
// call.
func (p *Problem) HDiag() []float64 {
	if p.diagH == nil {
		return p.computeHDiag()
	}
	p.diagH.once.Do(func() { p.diagH.values = p.computeHDiag() })
	return p.diagH.values
}

func (p *Problem) computeHDiag() []float64 {
	h := make([]float64, p.D)
	for i := 0; i < p.N; i++ {
		for j, x := range p.Row(i) {
			h[j] += x * x
		}
	}
	for j := range h {
		h[j] /= float64(p.N)
	}
	return h
}

// TestError returns the population excess risk (β−β*)ᵀΣ(β−β*) (theory.md §1)
// and false when β* is unknown.
func (p *Problem) TestError(beta []float64) (float64, bool) {
	if p.BetaStar == nil {
		return 0, false
	}
	var s float64
	for j, b := range beta {
		e := b - p.BetaStar[j]
		v := 1.0
		if p.FeatureVar != nil {
			v = p.FeatureVar[j]
		}
		s += v * e * e
	}
	return s, true
}
