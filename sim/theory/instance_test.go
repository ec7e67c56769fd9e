package theory

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// instance is a Gaussian regression problem built here, independently of the
// rest of the project (theory.md §1).
type instance struct {
	n, d     int
	x, y     []float64 // X row-major n×d
	betaStar []float64
}

// gaussianInstance draws X with N(0,1) entries and an s-sparse β* with N(0,1)
// entries on a random support; y = Xβ* + noise·N(0,1).
func gaussianInstance(seed uint64, n, d, sparsity int, noise float64) instance {
	rng := rand.New(rand.NewPCG(seed, 0))
	in := instance{n: n, d: d, x: make([]float64, n*d), y: make([]float64, n), betaStar: make([]float64, d)}
	for i := range in.x {
		in.x[i] = rng.NormFloat64()
	}
	for _, j := range rng.Perm(d)[:sparsity] {
		in.betaStar[j] = rng.NormFloat64()
	}
	for i := range n {
		in.y[i] = dot(in.row(i), in.betaStar) + noise*rng.NormFloat64()
	}
	return in
}

func (in instance) row(i int) []float64 { return in.x[i*in.d : (i+1)*in.d] }

func (in instance) solver() *Solver { return NewSolver(in.n, in.d, in.x, in.y) }

func (in instance) matrix() *mat.Dense {
	return mat.NewDense(in.n, in.d, append([]float64(nil), in.x...))
}

// residualNorm returns ‖Xβ − y‖ computed from scratch.
func (in instance) residualNorm(beta []float64) float64 {
	var s float64
	for i := range in.n {
		r := dot(in.row(i), beta) - in.y[i]
		s += r * r
	}
	return math.Sqrt(s)
}

// xt returns Xᵀv.
func (in instance) xt(v []float64) []float64 {
	out := make([]float64, in.d)
	for i := range in.n {
		for j, x := range in.row(i) {
			out[j] += x * v[i]
		}
	}
	return out
}

// rowSpaceResidual returns the part of g orthogonal to the row space of X,
// g − Xᵀ(XXᵀ)⁻¹Xg, computed by a least-squares solve min_c ‖Xᵀc − g‖ (QR).
func (in instance) rowSpaceResidual(g []float64) []float64 {
	var c mat.Dense
	if err := c.Solve(in.matrix().T(), mat.NewDense(in.d, 1, append([]float64(nil), g...))); err != nil {
		panic(err)
	}
	fit := in.xt(mat.Col(nil, 0, &c))
	out := make([]float64, in.d)
	for j := range out {
		out[j] = g[j] - fit[j]
	}
	return out
}

// lpMinL1 solves basis pursuit with gonum's simplex as the LP
// min 1ᵀ(u+v) s.t. X(u−v) = y, u, v ≥ 0. Small instances only: it is slow,
// and on some degenerate instances it does not terminate.
func (in instance) lpMinL1() ([]float64, error) {
	a := mat.NewDense(in.n, 2*in.d, nil)
	for i := range in.n {
		for j, x := range in.row(i) {
			a.Set(i, j, x)
			a.Set(i, in.d+j, -x)
		}
	}
	_, uv, err := lp.Simplex(constant(2*in.d, 1), a, append([]float64(nil), in.y...), 1e-12, nil)
	if err != nil {
		return nil, err
	}
	beta := make([]float64, in.d)
	for j := range beta {
		beta[j] = uv[j] - uv[in.d+j]
	}
	return beta, nil
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func norm(v []float64) float64 { return math.Sqrt(dot(v, v)) }

func norm1(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += math.Abs(x)
	}
	return s
}

func normInf(v []float64) float64 {
	var s float64
	for _, x := range v {
		s = math.Max(s, math.Abs(x))
	}
	return s
}

// relDist returns ‖a − b‖/‖b‖.
func relDist(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s) / norm(b)
}

func constant(d int, v float64) []float64 {
	u := make([]float64, d)
	for j := range u {
		u[j] = v
	}
	return u
}

// logUniform is ln α for a scalar α.
func logUniform(d int, alpha float64) []float64 { return constant(d, math.Log(alpha)) }

// logVector is ln α for a non-uniform α_j = alpha·exp(U[−spread, spread]).
func logVector(seed uint64, d int, alpha, spread float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	v := make([]float64, d)
	for j := range v {
		v[j] = math.Log(alpha) + spread*(2*rng.Float64()-1)
	}
	return v
}

// randomTilt has N(0, size²) entries.
func randomTilt(seed uint64, d int, size float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 2))
	t := make([]float64, d)
	for j := range t {
		t[j] = size * rng.NormFloat64()
	}
	return t
}
