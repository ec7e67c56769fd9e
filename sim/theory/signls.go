package theory

import (
	"context"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// signLS solves the sign-constrained least squares of a saddle (theory.md §9,
// step 4): min ‖Xβ − y‖ subject to σ_jβ_j ≥ 0 where σ_j = ±1 and β_j = 0 where
// σ_j = 0. With the columns flipped, a_j = σ_j·X_j and β_j = σ_j·c_j, it is the
// non-negative least squares min ‖Σ c_j a_j − y‖, c ≥ 0, solved by
// Lawson–Hanson's active-set method. Each least squares on the passive set is
// a Householder QR (LAPACK's dgeqrf through gonum) of [A_P | y]: the top of its
// last column is Qᵀy, so no separate product with Q is needed.
//
// Every buffer is allocated once here; a solve allocates nothing. Ties between
// columns are broken towards the lowest index, so the result does not depend
// on anything but (X, y, σ).
type signLS struct {
	n, d    int
	x, y    []float64
	colNorm []float64 // ‖X_j‖
	yNorm   float64

	coef    []float64 // c (d), zero off the passive set
	passive []int     // passive set P in order of entry (capacity n)
	inP     []bool    // j ∈ P (d)
	blocked []bool    // columns refused since P last changed (d)
	z       []float64 // least-squares coefficients on P (n)
	res     []float64 // y − Xβ (n)
	qr      []float64 // [A_P | y], n×(|P|+1) row-major, capacity n×(n+1)
	tau     []float64
	work    []float64
}

// Tolerances of the sign-constrained least squares.
const (
	// signLSGradTol: a column enters only if its push a_jᵀr exceeds
	// signLSGradTol·‖a_j‖·‖y‖; below, the KKT condition holds to rounding.
	signLSGradTol = 1e-11
	// signLSRankTol: a column whose QR pivot is below signLSRankTol·‖a_j‖ lies
	// in the span of the passive set (a duplicated column, say) and is refused.
	signLSRankTol = 1e-10
)

func newSignLS(n, d int, x, y []float64) *signLS {
	ls := &signLS{
		n: n, d: d, x: x, y: y,
		colNorm: make([]float64, d), yNorm: blas64.Nrm2(vec(y)),
		coef: make([]float64, d), passive: make([]int, 0, n),
		inP: make([]bool, d), blocked: make([]bool, d),
		z: make([]float64, n), res: make([]float64, n),
		qr: make([]float64, n*(n+1)), tau: make([]float64, n),
	}
	for i := range n {
		for j, v := range x[i*d : (i+1)*d] {
			ls.colNorm[j] += v * v
		}
	}
	for j := range ls.colNorm {
		ls.colNorm[j] = math.Sqrt(ls.colNorm[j])
	}
	query := []float64{0}
	lapack64.Geqrf(blas64.General{Rows: n, Cols: n + 1, Stride: n + 1, Data: ls.qr}, ls.tau, query, -1)
	ls.work = make([]float64, max(int(query[0]), n+1))
	return ls
}

// maxSolves bounds the least-squares solves of one call: Lawson–Hanson
// terminates in theory, and a count past this means rounding made it cycle.
func (ls *signLS) maxSolves() int { return 6*(ls.d+ls.n) + 50 }

// solve writes into beta the minimiser under the signs sigma (entries −1, 0,
// +1). It checks ctx between least-squares solves.
func (ls *signLS) solve(ctx context.Context, sigma, beta []float64) error {
	clear(ls.coef)
	clear(ls.inP)
	clear(ls.blocked)
	ls.passive = ls.passive[:0]
	ls.updateResidual(sigma)
	for solves := 0; ; solves++ {
		if solves > ls.maxSolves() {
			return notConverged("sign-constrained least squares cycled after %d solves", solves)
		}
		if ctx != nil && ctx.Err() != nil {
			return ctx.Err()
		}
		j := ls.steepestColumn(sigma)
		if j < 0 {
			break
		}
		ls.passive = append(ls.passive, j)
		ls.inP[j] = true
		if !ls.leastSquares(sigma) || ls.z[len(ls.passive)-1] <= 0 {
			// j is dependent on P, or rounding says it would not move off 0.
			ls.passive = ls.passive[:len(ls.passive)-1]
			ls.inP[j] = false
			ls.blocked[j] = true
			continue
		}
		var err error
		if solves, err = ls.restoreFeasibility(sigma, solves); err != nil {
			return err
		}
		for k, p := range ls.passive {
			ls.coef[p] = ls.z[k]
		}
		clear(ls.blocked)
		ls.updateResidual(sigma)
	}
	for j := range beta {
		beta[j] = sigma[j] * ls.coef[j]
	}
	return nil
}

// restoreFeasibility is Lawson–Hanson's inner loop: while some z_k ≤ 0, move
// c towards z as far as c stays ≥ 0, drop the columns that hit 0, and solve
// again on what is left.
func (ls *signLS) restoreFeasibility(sigma []float64, solves int) (int, error) {
	for {
		step, hit := 1.0, -1
		for k, p := range ls.passive {
			if ls.z[k] <= 0 {
				if t := ls.coef[p] / (ls.coef[p] - ls.z[k]); t < step || hit < 0 {
					step, hit = t, k
				}
			}
		}
		if hit < 0 {
			return solves, nil
		}
		solves++
		if solves > ls.maxSolves() {
			return solves, notConverged("sign-constrained least squares cycled after %d solves", solves)
		}
		kept := ls.passive[:0]
		for k, p := range ls.passive {
			c := ls.coef[p] + step*(ls.z[k]-ls.coef[p])
			if k == hit || c <= 0 {
				ls.coef[p], ls.inP[p] = 0, false
				continue
			}
			ls.coef[p] = c
			kept = append(kept, p)
		}
		ls.passive = kept
		if len(kept) == 0 {
			return solves, nil
		}
		ls.leastSquares(sigma) // a subset of independent columns stays independent
	}
}

// steepestColumn returns the candidate column outside P with the largest
// push a_jᵀr above tolerance, the lowest index on ties, or −1.
func (ls *signLS) steepestColumn(sigma []float64) int {
	best, bestW := -1, 0.0
	for j, sg := range sigma {
		if sg == 0 || ls.inP[j] || ls.blocked[j] || ls.colNorm[j] == 0 {
			continue
		}
		w := sg * ls.columnDot(j, ls.res)
		if w <= signLSGradTol*ls.colNorm[j]*ls.yNorm {
			continue
		}
		if w/ls.colNorm[j] > bestW {
			best, bestW = j, w/ls.colNorm[j]
		}
	}
	return best
}

// columnDot returns X_jᵀv.
func (ls *signLS) columnDot(j int, v []float64) float64 {
	var s float64
	for i, vi := range v {
		s += ls.x[i*ls.d+j] * vi
	}
	return s
}

// updateResidual sets res = y − Σ_P c_p a_p.
func (ls *signLS) updateResidual(sigma []float64) {
	copy(ls.res, ls.y)
	for _, p := range ls.passive {
		f := sigma[p] * ls.coef[p]
		for i := range ls.res {
			ls.res[i] -= f * ls.x[i*ls.d+p]
		}
	}
}

// leastSquares solves min ‖A_P z − y‖ into z[:|P|] and reports whether A_P
// has full column rank (every QR pivot above signLSRankTol·‖a_p‖).
func (ls *signLS) leastSquares(sigma []float64) bool {
	p := len(ls.passive)
	if p > ls.n {
		return false
	}
	cols := p + 1
	a := blas64.General{Rows: ls.n, Cols: cols, Stride: cols, Data: ls.qr[:ls.n*cols]}
	for i := range ls.n {
		row := a.Data[i*cols : (i+1)*cols]
		for k, j := range ls.passive {
			row[k] = sigma[j] * ls.x[i*ls.d+j]
		}
		row[p] = ls.y[i]
	}
	lapack64.Geqrf(a, ls.tau[:min(ls.n, cols)], ls.work, len(ls.work))
	for k, j := range ls.passive {
		if !(math.Abs(a.Data[k*cols+k]) > signLSRankTol*ls.colNorm[j]) {
			return false
		}
		ls.z[k] = a.Data[k*cols+p] // (Qᵀy)_k
	}
	r := blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: p, Stride: cols, Data: a.Data}
	blas64.Trsv(blas.NoTrans, r, blas64.Vector{N: p, Inc: 1, Data: ls.z[:p]})
	return allFinite(ls.z[:p])
}
