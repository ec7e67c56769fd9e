package problem

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// MaxCondition is the largest accepted condition number of XXᵀ (that of X
// squared). Beyond it the interpolation constraint Xβ = y is numerically
// rank-deficient and the theory overlays (minimum-norm interpolators, mirror
// descent predictions) would solve systems with no reliable digits.
const MaxCondition = 1e12

// RowError is a Validate failure that one row of X causes, so that a loader
// can point at the line holding that row.
type RowError struct {
	Row int // 0-based index of the row of X
	Msg string
}

func (e *RowError) Error() string { return e.Msg }

// Validate checks that p is a usable problem: 1 ≤ n < d, consistent lengths,
// finite numbers, and X of full row rank n with a well-conditioned XXᵀ. It
// costs one n×n Gram matrix, O(n²d). Failures caused by one row of X are
// *RowError.
func (p *Problem) Validate() error {
	if err := p.checkShape(); err != nil {
		return err
	}
	return p.checkRank()
}

// checkShape checks everything but the rank: sizes, lengths, finiteness. It
// is cheap, O(nd).
func (p *Problem) checkShape() error {
	if p.N < 1 || p.N >= p.D {
		return fmt.Errorf("n = %d samples and d = %d features: need 1 ≤ n < d so that interpolators exist", p.N, p.D)
	}
	if int64(p.N)*int64(p.D) > MaxEntries {
		return fmt.Errorf("n·d = %d·%d is too large; allowed n·d ≤ %d", p.N, p.D, MaxEntries)
	}
	if err := checkLen("X", len(p.X), p.N*p.D, fmt.Sprintf("n·d = %d·%d", p.N, p.D)); err != nil {
		return err
	}
	if err := checkLen("y", len(p.Y), p.N, "n"); err != nil {
		return err
	}
	for i := 0; i < p.N; i++ {
		if j := firstNonFinite(p.Row(i)); j >= 0 {
			return &RowError{Row: i, Msg: fmt.Sprintf("X[%d][%d] = %v: NaN/Inf not allowed", i, j, p.Row(i)[j])}
		}
	}
	if i := firstNonFinite(p.Y); i >= 0 {
		return fmt.Errorf("y[%d] = %v: NaN/Inf not allowed", i, p.Y[i])
	}
	return p.checkOptional()
}

// checkOptional checks the fields that may be nil.
func (p *Problem) checkOptional() error {
	if p.BetaStar != nil {
		if err := checkLen("beta_star", len(p.BetaStar), p.D, "d"); err != nil {
			return err
		}
		if j := firstNonFinite(p.BetaStar); j >= 0 {
			return fmt.Errorf("beta_star[%d] = %v: NaN/Inf not allowed", j, p.BetaStar[j])
		}
	}
	if p.FeatureVar != nil {
		if err := checkLen("feature variances", len(p.FeatureVar), p.D, "d"); err != nil {
			return err
		}
		for j, v := range p.FeatureVar {
			if !positiveFinite(v) {
				return fmt.Errorf("feature variance %d = %v is out of range; allowed 0 < v < ∞", j, v)
			}
		}
	}
	return nil
}

func checkLen(field string, got, want int, wantName string) error {
	if got != want {
		return fmt.Errorf("%s has %s, want %s = %d", field, plural(got, "entry", "entries"), wantName, want)
	}
	return nil
}

// plural spells a count with its noun: "1 entry", "3 entries".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// firstNonFinite returns the index of the first NaN or ±Inf, or -1.
func firstNonFinite(values []float64) int {
	for k, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return k
		}
	}
	return -1
}

// checkRank checks that XXᵀ is positive definite with condition number at
// most MaxCondition, and on failure names the first row of X that breaks it.
func (p *Problem) checkRank() error {
	gram := p.gram()
	for i := 0; i < p.N; i++ {
		if math.IsInf(gram.At(i, i), 0) {
			return &RowError{Row: i, Msg: fmt.Sprintf("X[%d] is too large: its squared norm overflows float64", i)}
		}
	}
	var chol mat.Cholesky
	if chol.Factorize(gram) && chol.Cond() <= MaxCondition {
		return nil
	}
	return firstBadRow(gram)
}

// gram returns XXᵀ.
func (p *Problem) gram() *mat.SymDense {
	var g mat.SymDense
	g.SymOuterK(1, mat.NewDense(p.N, p.D, p.X))
	return &g
}

// leadingBlockOK reports whether the leading k×k block of gram (the Gram
// matrix of rows 0..k-1) factorizes with an acceptable condition number, and
// that condition number when it factorizes.
func leadingBlockOK(gram *mat.SymDense, k int) (ok bool, cond float64) {
	var chol mat.Cholesky
	if !chol.Factorize(gram.SliceSym(0, k)) {
		return false, math.Inf(1)
	}
	cond = chol.Cond()
	return cond <= MaxCondition, cond
}

// firstBadRow explains a failed rank check. Leading blocks of a positive
// definite matrix are positive definite and no worse conditioned (eigenvalue
// interlacing), so a bisection over the block size finds the first row that
// is (nearly) a combination of the rows before it.
func firstBadRow(gram *mat.SymDense) error {
	good, bad := 0, gram.SymmetricDim()
	for bad-good > 1 {
		mid := (good + bad) / 2
		if ok, _ := leadingBlockOK(gram, mid); ok {
			good = mid
		} else {
			bad = mid
		}
	}
	row := bad - 1
	n := gram.SymmetricDim()
	if row == 0 {
		return &RowError{Row: 0, Msg: fmt.Sprintf("X[0] is (numerically) zero, so X has rank < n = %d", n)}
	}
	_, cond := leadingBlockOK(gram, bad)
	earlier := "X[0]"
	if row > 1 {
		earlier = fmt.Sprintf("X[0..%d]", row-1)
	}
	if math.IsInf(cond, 1) {
		return &RowError{Row: row, Msg: fmt.Sprintf("X[%d] is a linear combination of %s, so X has rank < n = %d", row, earlier, n)}
	}
	return &RowError{Row: row, Msg: fmt.Sprintf(
		"X[%d] is nearly a linear combination of %s: the condition number of XXᵀ reaches %.2g > %.0e, so X is numerically rank-deficient (need rank n = %d)",
		row, earlier, cond, MaxCondition, n)}
}
