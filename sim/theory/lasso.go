package theory

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Lasso returns argmin_β ‖Xβ − y‖²/(2n) + Σ_j λ_j|β_j|, the problem label-noise
// SGD drifts to (§6), by FISTA with adaptive restart. gonum has no ℓ₁-penalised
// solver, hence this one. It stops when the optimality conditions hold to
// tol: |∇_j + λ_j·sign β_j| ≤ tol on the support and |∇_j| ≤ λ_j + tol off it.
func Lasso(n, d int, X, y, lambda []float64, tol float64) ([]float64, error) {
	if len(X) != n*d || len(y) != n || len(lambda) != d {
		return nil, invalidInput("lasso: X is %d entries, y %d, λ %d; want n·d = %d, n = %d, d = %d", len(X), len(y), len(lambda), n*d, n, d)
	}
	for j, l := range lambda {
		if !(l >= 0) || math.IsInf(l, 0) {
			return nil, invalidInput("lasso: λ[%d] = %v; want a finite number ≥ 0", j, l)
		}
	}
	lip := gramLipschitz(n, d, X)
	l := &lassoState{n: n, d: d, X: X, y: y, lambda: lambda, step: 1 / lip,
		beta: make([]float64, d), prev: make([]float64, d), point: make([]float64, d),
		grad: make([]float64, d), resid: make([]float64, n)}
	const maxIter = 2_000_000
	for k := 0; k < maxIter; k++ {
		if k%50 == 0 && l.violation() <= tol {
			return l.beta, nil
		}
		l.iterate()
	}
	return nil, notConverged("lasso: optimality violation %.3g > %.3g after %d FISTA steps", l.violation(), tol, maxIter)
}

// gramLipschitz is λ_max(XᵀX/n) = λ_max(XXᵀ/n), the gradient's Lipschitz constant.
func gramLipschitz(n, d int, X []float64) float64 {
	var gram mat.SymDense
	gram.SymOuterK(1/float64(n), mat.NewDense(n, d, X))
	var eig mat.EigenSym
	if !eig.Factorize(&gram, false) {
		return frobenius2(X) / float64(n) // an upper bound, if the eigensolver fails
	}
	vals := eig.Values(nil)
	return vals[len(vals)-1]
}

func frobenius2(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return s
}

type lassoState struct {
	n, d                    int
	X, y, lambda            []float64
	step                    float64
	beta, prev, point, grad []float64
	resid                   []float64
	momentum                float64 // FISTA's t_k
	lastObjective           float64
}

// gradientAt sets grad = Xᵀ(Xb − y)/n and returns ‖Xb − y‖²/(2n).
func (l *lassoState) gradientAt(b []float64) float64 {
	var ss float64
	for i := 0; i < l.n; i++ {
		row := l.X[i*l.d : (i+1)*l.d]
		r := -l.y[i]
		for j, x := range row {
			r += x * b[j]
		}
		l.resid[i] = r
		ss += r * r
	}
	clear(l.grad)
	for i := 0; i < l.n; i++ {
		row := l.X[i*l.d : (i+1)*l.d]
		c := l.resid[i] / float64(l.n)
		for j, x := range row {
			l.grad[j] += c * x
		}
	}
	return ss / (2 * float64(l.n))
}

// iterate takes one proximal-gradient step from the extrapolated point and
// restarts the momentum when the objective goes up.
func (l *lassoState) iterate() {
	if l.momentum == 0 {
		l.momentum = 1
		copy(l.point, l.beta)
	}
	l.gradientAt(l.point)
	copy(l.prev, l.beta)
	for j := range l.beta {
		v := l.point[j] - l.step*l.grad[j]
		l.beta[j] = softThreshold(v, l.step*l.lambda[j])
	}
	obj := l.objective()
	next := (1 + math.Sqrt(1+4*l.momentum*l.momentum)) / 2
	if obj > l.lastObjective && l.lastObjective != 0 {
		next = 1 // adaptive restart (O'Donoghue & Candès)
	}
	l.lastObjective = obj
	w := (l.momentum - 1) / next
	for j := range l.point {
		l.point[j] = l.beta[j] + w*(l.beta[j]-l.prev[j])
	}
	l.momentum = next
}

func (l *lassoState) objective() float64 {
	f := l.gradientAt(l.beta)
	for j, b := range l.beta {
		f += l.lambda[j] * math.Abs(b)
	}
	return f
}

// violation is the largest breach of the Lasso optimality conditions at β.
func (l *lassoState) violation() float64 {
	l.gradientAt(l.beta)
	var worst float64
	for j, b := range l.beta {
		g := l.grad[j]
		var v float64
		if b != 0 {
			v = math.Abs(g + l.lambda[j]*math.Copysign(1, b))
		} else {
			v = math.Max(0, math.Abs(g)-l.lambda[j])
		}
		worst = math.Max(worst, v)
	}
	return worst
}

func softThreshold(v, t float64) float64 {
	switch {
	case v > t:
		return v - t
	case v < -t:
		return v + t
	}
	return 0
}
