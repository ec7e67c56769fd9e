// Package problem builds, loads, validates and writes the regression problems
// that sgdbias trains on: a design X (n×d, n < d, rank n), labels y and an
// optional sparse ground truth β* (theory.md §1).
package problem

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
	// DiagH is diag(XᵀX/n), filled by Finish.
	DiagH []float64
	// Source says where the problem came from: "generated" or a file name.
	Source string
}

// Row returns x_i without copying.
func (p *Problem) Row(i int) []float64 { return p.X[i*p.D : (i+1)*p.D] }

// Finish computes the derived fields (DiagH). Call it after filling X.
func (p *Problem) Finish() {
	p.DiagH = make([]float64, p.D)
	for i := 0; i < p.N; i++ {
		for j, x := range p.Row(i) {
			p.DiagH[j] += x * x
		}
	}
	for j := range p.DiagH {
		p.DiagH[j] /= float64(p.N)
	}
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
