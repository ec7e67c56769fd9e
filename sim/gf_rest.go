package sim

import "math"

// A flow that has converged to within its tolerance need not be stepped:
// its state stays and ∫L dt grows by L·Δt (the left-point rule), as the
// output of more steps would differ from it by less than their own error.
// Two tests tell it, both gated by the loss being at the floor the error
// control leaves (lossAtFloor).
//
// Where the Jacobian is affordable, the distance to the limit is measured:
// F is convex and the limit c∞ solves ∇F = 0, so near it c∞ − c ≈ M⁻¹·ċ,
// one Newton step (§3: ċ = −∇F(c), ∇²F = M). Once β moves by less than the
// tolerance scale over that whole distance, the rest of the flow is below
// what a step's error control resolves. Otherwise the loss must also have
// stopped falling over restWindow steps.

// restFactor: the loss counts as at the floor within restFactor of it.
const restFactor = 100

// restWindow is how many accepted steps without a lower loss mark a flow at
// rest where the Newton distance is out of reach.
const restWindow = 256

// atRest reports whether AdvanceWithin may move the flow on without steps.
func (m *gfMethod) atRest() bool {
	if m.resting {
		return true
	}
	return !m.jacobianAffordable() && m.fresh && m.sinceBest >= restWindow && m.lossAtFloor()
}

// lossAtFloor reports whether the loss is at the floor that the per-step
// error control admits. ∂β/∂G = −2(w₊² + w₋²) (§3), so a step error δG_j =
// Abs + Rel·|G_j| moves β_j by 2(w₊² + w₋²)·δG_j and Xβ by ‖X_j‖ times that,
// and the loss floor is Σ_j H_jj·δβ_j²/4.
func (m *gfMethod) lossAtFloor() bool {
	var floor float64
	hDiag := m.prob.HDiag()
	for j, g := range m.span {
		floor += lossFloorTerm(hDiag[j], m.curvature(j), g, m.tol)
	}
	return m.loss <= restFactor*floor
}

// lossFloorTerm is coordinate j's share H_jj·δβ_j²/4 of the loss floor.
func lossFloorTerm(diagH, curvature, g float64, tol GFTolerance) float64 {
	db := curvature * (tol.Abs + tol.Rel*math.Abs(g))
	return diagH * db * db / 4
}

// checkRest runs the Newton test after an accepted step. In the stiff mode
// the Jacobian it forms is the next step's anyway. An explicit flow tries
// only while its steps are held by stability, and each failure doubles the
// wait: a test costs a Jacobian, a success saves every step from then on.
func (m *gfMethod) checkRest() {
	if m.resting || !m.jacobianAffordable() {
		return
	}
	if m.stiffMode {
		m.formJacobian() // the next step's, with the floor
		if m.loss > restFactor*m.rodas.lossFloor {
			return
		}
	} else {
		if m.stiffHits < stiffAfter<<min(m.restTries, maxStiffBackoff) || !m.lossAtFloor() {
			return
		}
		if m.rodas == nil {
			m.rodas = newRodasWork(m.prob.N, m.prob.D)
		}
		m.formJacobian()
	}
	m.resting = m.newtonDistanceBelowTolerance()
	if !m.resting && !m.stiffMode {
		m.restTries++
	}
}

// newtonDistanceBelowTolerance measures β's distance to the limit against
// the error scale of the steps, applied to β: Δβ_j = D_j·(Xᵀ·M⁻¹·ċ)_j,
// each within Abs + Rel·|β_j| (in every coordinate: an RMS over d would let
// the few large coordinates of a sparse β hide). Measured on β, not G, so that a
// large α (β moves by 4α² per unit of G) does not rest at a residual the
// tolerance on G would admit but more steps would still remove cheaply.
func (m *gfMethod) newtonDistanceBelowTolerance() bool {
	w := m.rodas
	if !m.factorize(math.Inf(1)) { // M itself: no 1/(hγ) shift
		return false
	}
	step := w.u[0]
	copy(step, m.rate)
	m.solve(step)
	transposeTimes(m.prob, 1, step, w.errG)
	for j, dg := range w.errG {
		if !(math.Abs(m.curvature(j)*dg) <= m.tol.Abs+m.tol.Rel*math.Abs(m.state.Beta[j])) {
			return false
		}
	}
	return true
}

// restUntil moves a flow at rest to time t in one step that costs nothing:
// c and β stay, ∫L grows by L·(t − now) (the left-point rule). It counts as
// a step, as it moves the state on (a caller that samples only after steps
// sees it).
func (m *gfMethod) restUntil(t float64) {
	if t <= m.state.Time {
		return
	}
	m.dense.ok = false
	m.state.IntLoss += m.loss * (t - m.state.Time)
	m.state.Time = t
	m.state.Steps++
}
