package theory

import (
	"math"
	"slices"
)

// Duplicated and collinear columns make basis pursuit degenerate: if
// X_k = t·X_j, then β_k X_k = (tβ_k)·X_j at ℓ₁ cost |β_k| ≥ |tβ_k| when
// |t| ≤ 1, so only the longest column of each direction is ever needed, the
// minimum is reached by a whole face, and the φ_α argmin spreads its weight
// over the copies (no support of size ≤ n read off it interpolates). MinL1
// therefore solves on one column per direction, the longest (zero columns
// dropped), and maps back. A dual certificate of the reduced problem is one
// of the full problem: |X_kᵀν| = |t|·|X_jᵀν| ≤ 1.

// collinearTol is the relative tolerance under which two unit columns count
// as the same direction.
const collinearTol = 1e-12

// directionRepresentatives returns, when some columns are zero or collinear
// with another, the index of the longest column of each direction in
// increasing order; nil when every column is a direction of its own.
func (s *Solver) directionRepresentatives() []int {
	type colKey struct {
		j    int
		unit []float64
		norm float64
	}
	cols := make([]colKey, 0, s.d)
	reduced := false
	for j := 0; j < s.d; j++ {
		c := colKey{j: j, unit: make([]float64, s.n)}
		for i := 0; i < s.n; i++ {
			c.unit[i] = s.x[i*s.d+j]
		}
		c.norm = vecNorm(c.unit)
		if c.norm == 0 {
			reduced = true
			continue
		}
		// Unit length, first sizeable entry positive: collinear columns
		// become the same vector.
		sign := 1.0
		for _, v := range c.unit {
			if math.Abs(v) > 1e-8*c.norm {
				sign = math.Copysign(1, v)
				break
			}
		}
		for i := range c.unit {
			c.unit[i] *= sign / c.norm
		}
		cols = append(cols, c)
	}
	slices.SortFunc(cols, func(a, b colKey) int { return slices.Compare(a.unit, b.unit) })
	var reps []int
	for start := 0; start < len(cols); {
		best, end := start, start+1
		for end < len(cols) && sameDirection(cols[start].unit, cols[end].unit) {
			if cols[end].norm > cols[best].norm {
				best = end
			}
			end++
		}
		reduced = reduced || end-start > 1
		reps = append(reps, cols[best].j)
		start = end
	}
	if !reduced {
		return nil
	}
	slices.Sort(reps)
	return reps
}

func sameDirection(a, b []float64) bool {
	for i := range a {
		if math.Abs(a[i]-b[i]) > collinearTol {
			return false
		}
	}
	return true
}

// minL1Reduced solves basis pursuit on the columns reps and maps the result
// back to all d columns, with the certificate recomputed on the full problem.
func (s *Solver) minL1Reduced(reps []int) (L1Result, error) {
	x := make([]float64, s.n*len(reps))
	for i := 0; i < s.n; i++ {
		for k, j := range reps {
			x[i*len(reps)+k] = s.x[i*s.d+j]
		}
	}
	sub := NewSolver(s.n, len(reps), x, s.y)
	sub.Tol, sub.MaxIter, sub.Context = s.Tol, s.MaxIter, s.Context
	r, err := sub.minL1()
	if err != nil {
		return L1Result{}, err
	}
	beta := make([]float64, s.d)
	for k, j := range reps {
		beta[j] = r.Beta[k]
	}
	support := make([]int, len(r.Support))
	for k, j := range r.Support {
		support[k] = reps[j]
	}
	r.Beta, r.Support = beta, support
	r.Residual = s.residualNorm(beta)
	r.MaxDualViolation, r.DualGap = s.certificate(beta, r.Nu)
	r.Certified = r.Certified && r.MaxDualViolation <= L1DualTol && r.DualGap <= L1DualTol
	return r, nil
}
