package sim

import (
	"errors"

	"gonum.org/v1/gonum/mat"

	"sgdbias/sim/problem"
)

// hbMethod is full-batch gradient descent on w± with heavy-ball momentum μ
// (§6, Papazov, Pesme & Flammarion 2024):
//
//	v± ← μ·v± − γ·∇_{w±}L = μ·v± ∓ γ·w±⊙g,   w± ← w± + v±.
//
// With μ = 0 it is GD. Its effective step is γ/(1−μ), so time advances by
// that much per step and runs with the same λ = γ/(1−μ)² compare on one axis.
// The update is additive, so ln(w₊/w₋) is not in span(Xᵀ) up to O(γ³) as for
// GD: the tilt is the whole null-space part of ¼ln|w₊/w₋| (see Tilt).
type hbMethod struct {
	core
	wp, wm, vp, vm []float64
	projector      *rowSpaceProjector
}

// NewHeavyBall returns GD with heavy-ball momentum Params.Momentum.
func NewHeavyBall(p *problem.Problem, in Init, params Params) (Method, error) {
	c, err := newCore(p, in, params)
	if err != nil {
		return nil, err
	}
	proj, err := newRowSpaceProjector(p)
	if err != nil {
		return nil, err
	}
	d := p.D
	m := &hbMethod{core: c, wp: make([]float64, d), wm: make([]float64, d), vp: make([]float64, d), vm: make([]float64, d), projector: proj}
	m.Reset()
	return m, nil
}

func (m *hbMethod) Algo() Algo { return HB }

func (m *hbMethod) Reset() {
	m.resetCore()
	m.fillAlpha(m.wp, m.wm)
	clear(m.vp)
	clear(m.vm)
}

func (m *hbMethod) Step() error {
	if m.err != nil {
		return m.err
	}
	loss := residual(m.prob, m.state.Beta, m.resid)
	if !m.noteLoss(loss) {
		return m.fail(HB)
	}
	transposeTimes(m.prob, 1/float64(m.prob.N), m.resid, m.grad)
	gamma, mu := m.params.Step, m.params.Momentum
	var norm2 float64
	for j, g := range m.grad {
		m.vp[j] = mu*m.vp[j] - gamma*m.wp[j]*g
		m.vm[j] = mu*m.vm[j] + gamma*m.wm[j]*g
		p, q := m.wp[j]+m.vp[j], m.wm[j]+m.vm[j]
		m.wp[j], m.wm[j] = p, q
		b := p*p - q*q
		m.state.Beta[j] = b
		norm2 += b * b
	}
	dt := TimePerStep(HB, m.params)
	m.state.IntLoss += loss * dt
	m.tickBy(dt)
	if diverged(norm2) {
		return m.fail(HB)
	}
	if norm2 == 0 && m.weightsUnderflowed(m.wp, m.wm) {
		return m.stop(HB, true, collapseCause)
	}
	return nil
}

// AdvanceTo steps until time t to within half a step of γ/(1−μ).
func (m *hbMethod) AdvanceTo(t float64) error {
	for m.state.Time < t-0.5*TimePerStep(HB, m.params) {
		if err := m.Step(); err != nil {
			return err
		}
	}
	return nil
}

func (m *hbMethod) LogEffectiveInit(dst []float64) { halfLogAbsProduct(dst, m.wp, m.wm) }

// Tilt is the part of ∇φ_{α_t}(β_t) = ¼ln|w₊/w₋| outside span(Xᵀ): only that
// part moves argmin {φ_{α_t} − ⟨z̃, β⟩ : Xβ = b} (a span component adds a
// constant ⟨ν, b⟩ on the feasible set).
func (m *hbMethod) Tilt(dst []float64) {
	for j := range dst {
		dst[j] = 0.25 * (safeLogAbs(m.wp[j]) - safeLogAbs(m.wm[j]))
	}
	m.projector.removeRowSpace(dst)
}

// rowSpaceProjector removes the span(Xᵀ) component of a vector:
// v ← v − Xᵀ(XXᵀ)⁻¹Xv, with the Cholesky factor of XXᵀ computed once.
type rowSpaceProjector struct {
	prob   *problem.Problem
	chol   mat.Cholesky
	coef   *mat.VecDense
	inSpan []float64
}

func newRowSpaceProjector(p *problem.Problem) (*rowSpaceProjector, error) {
	x := mat.NewDense(p.N, p.D, p.X)
	var gram mat.SymDense
	gram.SymOuterK(1, x)
	r := &rowSpaceProjector{prob: p, coef: mat.NewVecDense(p.N, nil), inSpan: make([]float64, p.D)}
	if !r.chol.Factorize(&gram) {
		return nil, errors.New("hb: XXᵀ is not positive definite; X must have rank n")
	}
	return r, nil
}

func (r *rowSpaceProjector) removeRowSpace(v []float64) {
	coef := r.coef.RawVector().Data
	for i := range coef {
		coef[i] = dot(r.prob.Row(i), v)
	}
	if err := r.chol.SolveVecTo(r.coef, r.coef); err != nil {
		return // XXᵀ was factorised at construction; a failure here leaves v as it is
	}
	transposeTimes(r.prob, 1, coef, r.inSpan)
	for j := range v {
		v[j] -= r.inSpan[j]
	}
}
