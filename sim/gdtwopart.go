package sim

// The two ways GD splits its step by columns (the one-pass step,
// gdonepass.go, and the column-block split, gdsplit.go) share how a step
// begins and ends: r_k is kept by increments and recomputed exactly now and
// then, and the two parts' increments are added to it once a step.

// splitResidual is the residual bookkeeping of a GD step taken in two parts.
type splitResidual struct {
	stale      bool // the residual must be recomputed exactly (after Reset)
	sinceExact int  // steps since it was
	rows       [2]residualRows
}

// begin recomputes r = Xβ − y when it is stale or every gdExactEvery steps,
// so that rounding in the increments cannot pile up, and returns the loss
// at β_k; ok is false when the loss is not finite. The recomputation is
// shared with the step's helper h when there is one (bit for bit the
// one-core residual): at (400, 4000) a pass over X on one core is two
// steps' time.
func (s *splitResidual) begin(m *gdMethod, h *gdHelper) (loss float64, ok bool) {
	if s.stale || s.sinceExact >= gdExactEvery {
		if h != nil && m.prob.N >= 8 {
			residualOnTwoCores(h, &s.rows, m.prob, m.state.Beta, m.resid)
		} else {
			residual(m.prob, m.state.Beta, m.resid)
		}
		s.stale, s.sinceExact = false, 0
	}
	loss = squaredNorm(m.resid) / (4 * float64(m.prob.N))
	return loss, m.noteLoss(loss)
}

// end adds γ·r_k/n to the span coefficients (G += γg, §5) before r changes,
// then the parts' increments dr1 + dr2 to r.
func (s *splitResidual) end(m *gdMethod, dr1, dr2 []float64) {
	axpy(m.params.Step/float64(m.prob.N), m.resid, m.spanCoef)
	for i := range m.resid {
		m.resid[i] += dr1[i] + dr2[i]
	}
	s.sinceExact++
}

// runParts runs own on this goroutine and other, when it has columns, on
// the helper (or here too, on one core), and returns once both are done.
func runParts(h *gdHelper, own, other gdHalf, otherHasColumns bool) {
	sent := otherHasColumns && h != nil
	if sent {
		h.start(other)
	}
	own.run()
	if sent {
		h.finish()
	} else if otherHasColumns {
		other.run()
	}
}
