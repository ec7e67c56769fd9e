package sim

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"sgdbias/sim/problem"
)

// A sample's loss is its one part that reads all of X: at (400, 4000) the
// 200 samples of an SGD run cost as many passes over X, and a GD run
// sampled at every step (the explorer draws a frame every few steps) does
// twice the work of its steps. Two things make it cheaper, without changing
// any other number of the sample:
//   - a GD run that updates its residual by increments (the one-pass and
//     column-split steps) already holds r = Xβ − y for its current β, and
//     the loss is then a pass over r alone;
//   - otherwise, from lossSplitMinElems entries of X, the rows of Xβ are
//     shared with a second core, which in Measure also computes the other
//     metrics (metrics.go).

// lossSplitMinElems is the size of X (n·d entries) from which a sample's
// residual is computed on two cores. BenchmarkSample on a quiet machine,
// one core against two: the loss at (100, 1000) 11.5 µs against 6.4, at
// (400, 4000) 224–248 µs against 151–162, and a whole sample there 318–336
// µs against 208–227; at 2¹⁴ entries two cores still saved 0.5 µs of a
// 30 µs sample. Above 2¹⁶ entries the split saves a fifth of a sample or
// more. A variable so that tests can force either path at small sizes.
var lossSplitMinElems = 1 << 16

// residualHolder is a method that may hold its residual for its current β.
type residualHolder interface {
	// heldResidual returns r = Xβ − y at the current β, or nil when the
	// method does not hold it (its step recomputes it, or β changed since).
	heldResidual() []float64
}

// heldResidual is GD's residual when its step keeps it by increments: the
// step leaves r_{k+1} there, exact to rounding in the increments since the
// last exact recomputation (at most gdExactEvery steps, splitResidual).
// Not after a reset (stale) or a stopped step, which may have left it
// half updated.
func (m *gdMethod) heldResidual() []float64 {
	if m.fast == nil || m.err != nil || !m.fast.residualCurrent() {
		return nil
	}
	return m.resid
}

// residualCurrent reports whether r holds the residual of the current β.
func (s *splitResidual) residualCurrent() bool { return !s.stale }

// loss is L(β) = ‖Xβ − y‖²/(4n) of m now: from the residual m holds when it
// holds one, else computed into s.resid, on two cores when s.lossTwoCores
// is set. The two-core residual equals residual's bit for bit
// (residualRows), so only a held residual changes the rounding.
func (s *Sampler) loss(m measured) float64 {
	p := s.prob
	if h, ok := unwrapMethod(m).(residualHolder); ok {
		if held := h.heldResidual(); held != nil {
			return squaredNorm(held[:p.N]) / (4 * float64(p.N))
		}
	}
	beta := m.State().Beta
	if h := s.helper(); h != nil {
		residualOnTwoCores(h, &s.rows, p, beta, s.resid)
		return squaredNorm(s.resid) / (4 * float64(p.N))
	}
	return residual(p, beta, s.resid)
}

// helper is the sampler's second-core goroutine when its residuals are
// computed on two cores (started at the first sample that needs it), else
// nil.
func (s *Sampler) helper() *gdHelper {
	if s.lossTwoCores && s.rowsHelper == nil {
		if s.rowsHelper = startHelper(s); s.rowsHelper == nil {
			s.lossTwoCores = false
		}
	}
	return s.rowsHelper
}

// helperFor is the helper when a sample of m reads X (m holds no residual)
// and X is large enough to share the sample with a second core; else nil.
// Only a method that writes ln α_t by ranges shares its sample: Measure
// reads one range of it first, which brings up to date what the method
// computes on demand, so that the two cores then only read its state.
func (s *Sampler) helperFor(m measured) *gdHelper {
	if h, ok := unwrapMethod(m).(residualHolder); ok && h.heldResidual() != nil {
		return nil
	}
	if !effectiveInitRanged(m) {
		return nil
	}
	return s.helper()
}

// residualOnTwoCores sets r = Xβ − y, the upper half of the rows on h (or
// here too when h is nil), bit for bit as residual does: the split is a
// multiple of 4 rows, and gonum's kernel takes rows in blocks of 4, so each
// half walks the same blocks as one whole pass. rows holds the two jobs,
// so that nothing is allocated.
func residualOnTwoCores(h *gdHelper, rows *[2]residualRows, p *problem.Problem, beta, r []float64) {
	mid := (p.N / 2) &^ 3
	rows[0] = residualRows{p: p, beta: beta, r: r, lo: 0, hi: mid}
	rows[1] = residualRows{p: p, beta: beta, r: r, lo: mid, hi: p.N}
	runParts(h, &rows[0], &rows[1], true)
}

// residualRows is rows lo … hi−1 of r = Xβ − y, as a job for either core.
type residualRows struct {
	p       *problem.Problem
	beta, r []float64
	lo, hi  int
}

func (j *residualRows) run() {
	p := j.p
	copy(j.r[j.lo:j.hi], p.Y[j.lo:j.hi])
	blas64.Implementation().Dgemv(blas.NoTrans, j.hi-j.lo, p.D, 1, p.X[j.lo*p.D:], p.D, j.beta, 1, -1, j.r[j.lo:j.hi], 1)
}

// lossOnTwoCores reports whether a sampler of p computes residuals on two
// cores: a second core to use, rows to split, and X large enough to pay.
func lossOnTwoCores(p *problem.Problem) bool {
	return secondCoreAllowed() && p.N >= 8 && p.N*p.D >= lossSplitMinElems
}
