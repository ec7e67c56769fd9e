package theory

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Sharpness returns the largest Hessian eigenvalue of the loss in (w₊, w₋) at
// an interpolator β reached with effective initialisation α (theory.md §5):
// 2·λ_max(D·H·D), D = diag((β² + 4α⁴)^{1/4}), H = XᵀX/n. GD with step γ is
// linearly stable there only if γ < 2/sharpness.
//
// D·H·D = (XD)ᵀ(XD)/n has the same nonzero eigenvalues as the n×n matrix
// X·D²·Xᵀ/n, which is what is decomposed (n < d). D² = √(β² + 4α⁴) is formed
// as hypot(β, 2α²), so tiny α never underflows through α⁴. For non-finite
// inputs (a diverged run) it returns math.MaxFloat64: no step is stable.
func Sharpness(n, d int, X, beta, lnAlpha []float64) float64 {
	if n <= 0 || d <= 0 || len(X) != n*d || len(beta) != d || len(lnAlpha) != d {
		panic("theory: Sharpness: inconsistent dimensions")
	}
	if !allFinite(X) || !allFinite(beta) || !allFinite(lnAlpha) {
		return math.MaxFloat64
	}
	return twiceLargestEigenvalue(scaledGram(n, d, X, func(j int) float64 {
		return math.Sqrt(math.Hypot(beta[j], 2*math.Exp(2*lnAlpha[j])))
	}))
}

// UnitSharpness is Sharpness with D = I (β = 0, α = 1/√2): 2λ_max(XXᵀ/n),
// without the two vectors of length d that calling Sharpness for it takes.
func UnitSharpness(n, d int, X []float64) float64 {
	if n <= 0 || d <= 0 || len(X) != n*d {
		panic("theory: UnitSharpness: inconsistent dimensions")
	}
	if !allFinite(X) {
		return math.MaxFloat64
	}
	return twiceLargestEigenvalue(scaledGram(n, d, X, func(int) float64 { return 1 }))
}

// twiceLargestEigenvalue is 2λ_max of a PSD matrix, math.MaxFloat64 when
// it is not finite.
func twiceLargestEigenvalue(gram *mat.SymDense) float64 {
	var eig mat.EigenSym
	if !eig.Factorize(gram, false) {
		return 2 * largestEigenvalue(gram)
	}
	values := eig.Values(nil)
	sharpness := 2 * values[len(values)-1]
	if math.IsInf(sharpness, 0) || math.IsNaN(sharpness) {
		return math.MaxFloat64
	}
	return sharpness
}

// sharpnessBlock is how many columns of X·D scaledGram scales at a time.
const sharpnessBlock = 256

// scaledGram returns X·D²·Xᵀ/n, D = diag(scale(j)), formed a block of
// columns at a time (gonum's Dsyrk on each scaled block), so that what it
// holds beyond the n×n result is n·sharpnessBlock floats, not a scaled copy
// of X: the hint of a run that diverged calls it twice, and at n = 8,
// d = 5e6 two copies were 610 MB.
func scaledGram(n, d int, X []float64, scale func(j int) float64) *mat.SymDense {
	gram := mat.NewSymDense(n, nil)
	width := min(sharpnessBlock, d)
	scaled := make([]float64, n*width)
	diag := make([]float64, width)
	for lo := 0; lo < d; lo += width {
		w := min(width, d-lo)
		for k := range w {
			diag[k] = scale(lo + k)
		}
		for i := range n {
			row, out := X[i*d+lo:i*d+lo+w], scaled[i*w:(i+1)*w]
			for k, x := range row {
				out[k] = x * diag[k]
			}
		}
		block := blas64.General{Rows: n, Cols: w, Stride: w, Data: scaled[:n*w]}
		blas64.Syrk(blas.NoTrans, 1/float64(n), block, 1, gram.RawSymmetric())
	}
	return gram
}

// largestEigenvalue is a power-iteration fallback for a PSD matrix, used only
// if the symmetric eigensolver fails.
func largestEigenvalue(a *mat.SymDense) float64 {
	n := a.SymmetricDim()
	v := mat.NewVecDense(n, nil)
	for i := 0; i < n; i++ {
		v.SetVec(i, 1/math.Sqrt(float64(n))+1e-3*float64(i%7))
	}
	var av mat.VecDense
	lambda := 0.0
	for range 10000 {
		av.MulVec(a, v)
		next := mat.Norm(&av, 2)
		if next == 0 || math.IsInf(next, 0) || math.IsNaN(next) {
			return math.MaxFloat64
		}
		v.ScaleVec(1/next, &av)
		if math.Abs(next-lambda) <= 1e-14*next {
			return next
		}
		lambda = next
	}
	return lambda
}
