package sim

// A driver that reads GF's loss at GF's own steps, instead of cutting the
// steps at times of its choosing, sometimes finds that the last step went
// further than it may look: past the point where the loss first fell to a
// tolerance, by more than the resolution it promises. It then takes that
// step again in shorter pieces, from a mark set before it.

// Marker is a method that can mark its current point and return to it.
type Marker interface {
	// Mark keeps the current point (c, the time, the step count, ∫L dt and
	// the step controller), replacing any earlier mark. With a horizon set
	// (SetHorizon) that is the end of the last step, not a point shown
	// inside it.
	Mark()
	// Rewind returns to the marked point: what follows is what followed
	// the mark the first time, up to the step lengths chosen.
	Rewind()
}

// MarkerOf returns m's Marker (looking through a variant), if it has one.
func MarkerOf(m Method) (Marker, bool) {
	if p, ok := m.(*pinnedMethod); ok {
		m = p.Method
	}
	mk, ok := m.(Marker)
	return mk, ok
}

// gfMark is a marked point of GF: c, and the scalars that the next steps
// read. G, β, ċ and L follow from c (gf.go), and are evaluated again on
// Rewind.
type gfMark struct {
	coef                      []float64
	time, intLoss, lastLoss   float64
	steps                     int64
	hNext, explicitH          float64
	bestLoss                  float64
	stiffMode, resting, valid bool
	stiffHits, calmSteps      int
	stiffSteps, stiffBackoff  int
	sinceBest, restTries      int
}

func (m *gfMethod) Mark() {
	k := &m.mark
	if k.coef == nil {
		k.coef = make([]float64, len(m.spanCoef))
	}
	copy(k.coef, m.spanCoef)
	k.time, k.intLoss, k.lastLoss, k.steps = m.state.Time, m.state.IntLoss, m.lastLoss, m.state.Steps
	k.hNext, k.explicitH, k.bestLoss = m.hNext, m.explicitH, m.bestLoss
	k.stiffMode, k.resting, k.valid = m.stiffMode, m.resting, true
	k.stiffHits, k.calmSteps, k.stiffSteps, k.stiffBackoff = m.stiffHits, m.calmSteps, m.stiffSteps, m.stiffBackoff
	k.sinceBest, k.restTries = m.sinceBest, m.restTries
}

// Rewind returns to the mark; without one it does nothing. A run that
// stopped (diverged) after the mark is running again from it.
func (m *gfMethod) Rewind() {
	k := &m.mark
	if !k.valid {
		return
	}
	copy(m.spanCoef, k.coef)
	m.state.Time, m.state.IntLoss, m.lastLoss, m.state.Steps = k.time, k.intLoss, k.lastLoss, k.steps
	m.hNext, m.explicitH, m.bestLoss = k.hNext, k.explicitH, k.bestLoss
	m.stiffMode, m.resting = k.stiffMode, k.resting
	m.stiffHits, m.calmSteps, m.stiffSteps, m.stiffBackoff = k.stiffHits, k.calmSteps, k.stiffSteps, k.stiffBackoff
	m.sinceBest, m.restTries = k.sinceBest, k.restTries
	m.err = nil
	m.view.on, m.dense.ok = false, false
	if m.rodas != nil {
		m.rodas.jacAt = false // M is that of the point left
	}
	m.evalCurrent() // G, β, ċ and L at c, as they were
}
