package sim

// The two ways GD splits its step by columns (the one-pass step,
// gdonepass.go, and the column-block split, gdsplit.go) share how a step
// begins and ends: r_k is kept by increments and recomputed exactly now and
// then, and the two parts' increments are added to it once a step.

// splitResidual is the residual bookkeeping of a GD step taken in two parts.
type splitResidual struct {
	stale      bool // the residual must be recomputed exactly (after Reset)
	sinceExact int  // steps since it was
	// exactPass is set by begin when this step's own pass over the columns
	// gives Xβ_{k+1}, from which end sets r_{k+1} exactly.
	exactPass bool
	rows      [2]residualRows
}

// begin recomputes r = Xβ − y when it is stale, and returns the loss at
// β_k; ok is false when the loss is not finite. So that rounding in the
// increments cannot pile up, r is exact again every gdExactEvery steps: a
// step whose pass can compute Xβ_{k+1} (passExact, the one-pass step) is
// told to (exactPass) at no extra cost; otherwise r is recomputed here from
// X by rows, shared with the step's helper h when there is one (bit for bit
// the one-core residual). The one-pass step avoids that pass: X by rows
// is not in the last-level cache beside the copy by columns, and the pass
// evicted the copy, 11% of a GD run's CPU at (400, 4000) (BENCHMARKS.md).
func (s *splitResidual) begin(m *gdMethod, h *gdHelper, passExact bool) (loss float64, ok bool) {
	if s.stale || (!passExact && s.sinceExact >= gdExactEvery) {
		if h != nil && m.prob.N >= 8 {
			residualOnTwoCores(h, &s.rows, m.prob, m.state.Beta, m.resid)
		} else {
			residual(m.prob, m.state.Beta, m.resid)
		}
		s.stale, s.sinceExact = false, 0
	}
	s.exactPass = passExact && s.sinceExact+1 >= gdExactEvery
	loss = squaredNorm(m.resid) / (4 * float64(m.prob.N))
	return loss, m.noteLoss(loss)
}

// end adds γ·r_k/n to the span coefficients (G += γg, §5) before r changes,
// then the parts' increments dr1 + dr2 to r, or after an exact pass sets r
// to the parts' Xβ_{k+1}, dr1 + dr2, less y.
func (s *splitResidual) end(m *gdMethod, dr1, dr2 []float64) {
	axpy(m.params.Step/float64(m.prob.N), m.resid, m.spanCoef)
	if s.exactPass {
		for i, y := range m.prob.Y {
			m.resid[i] = (dr1[i] + dr2[i]) - y
		}
		s.sinceExact = 0
		return
	}
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
