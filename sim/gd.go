package sim

import (
	"sgdbias/sim/problem"
)

// gdMethod is full-batch gradient descent on w± with step γ, which is exactly
// the multiplicative update (U) of §2 with the full gradient g = Xᵀr/n.
type gdMethod struct {
	core
	wp, wm []float64
	// fast, when set, takes the step in place of the two-pass one: the
	// one-pass step (gdonepass.go) where X is large enough and its column
	// copy small enough, else the column-block split (gdsplit.go) from
	// gdSplitMinElems entries.
	fast gdStepper
}

// gdStepper is a GD step at large X. step returns the loss at β_k and
// ‖β_{k+1}‖² (ok false when the loss is not finite) and leaves r_{k+1} in
// m.resid; invalidate says that β changed outside the step (Reset).
type gdStepper interface {
	step(m *gdMethod) (loss, norm2 float64, ok bool)
	invalidate()
	// residualCurrent reports whether m.resid is r at the current β.
	residualCurrent() bool
}

// NewGD returns gradient descent from the initialisation in.
func NewGD(p *problem.Problem, in Init, params Params) (Method, error) {
	c, err := newCore(p, in, params)
	if err != nil {
		return nil, err
	}
	m := &gdMethod{core: c, wp: make([]float64, p.D), wm: make([]float64, p.D)}
	switch {
	case useOnePass(p.N, p.D):
		m.fast = newGDOnePass(m, p.N*p.D >= gdTwoCoreMinElems)
	case p.N*p.D >= gdSplitMinElems:
		m.fast = newGDSplit(m)
	}
	m.Reset()
	return m, nil
}

func (m *gdMethod) Algo() Algo { return GD }

func (m *gdMethod) Reset() {
	m.resetCore()
	m.fillAlpha(m.wp, m.wm)
	if m.fast != nil {
		m.fast.invalidate()
	}
}

func (m *gdMethod) Step() error {
	if m.err != nil {
		return m.err
	}
	gamma := m.params.Step
	var loss, norm2 float64
	if m.fast != nil {
		var ok bool
		if loss, norm2, ok = m.fast.step(m); !ok {
			return m.fail(GD)
		}
	} else {
		loss = residual(m.prob, m.state.Beta, m.resid)
		if !m.noteLoss(loss) {
			return m.fail(GD)
		}
		transposeTimes(m.prob, 1/float64(m.prob.N), m.resid, m.grad)
		norm2 = multiplicativeUpdate(m.wp, m.wm, m.state.Beta, m.grad, gamma)
		axpy(gamma/float64(m.prob.N), m.resid, m.spanCoef) // G += γg = Xᵀ(γr/n)
	}
	m.state.IntLoss += loss * gamma
	m.tick()
	if diverged(norm2) {
		return m.fail(GD)
	}
	if norm2 == 0 && m.weightsUnderflowed(m.wp, m.wm) {
		return m.stop(GD, true, collapseCause)
	}
	return nil
}

func (m *gdMethod) AdvanceTo(t float64) error { return advanceDiscrete(m, &m.core, t) }

func (m *gdMethod) LogEffectiveInit(dst []float64) { halfLogAbsProduct(dst, m.wp, m.wm) }
func (m *gdMethod) Tilt(dst []float64)             { m.tiltFromWeights(dst, m.wp, m.wm) }

// advanceDiscrete steps a fixed-step method until its time reaches t, to
// within half a step, so that methods sharing one time axis stay in lockstep.
func advanceDiscrete(m Method, c *core, t float64) error {
	for c.state.Time < t-0.5*c.params.Step {
		if err := m.Step(); err != nil {
			return err
		}
	}
	return nil
}
