package sim

import (
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// gdSplitMinElems is the size of X (n·d entries) from which a GD step is
// shared with a second core. Below it the hand-off (a goroutine wake-up,
// a few µs) costs more than half a step saves; see BenchmarkGDSplit.
var gdSplitMinElems = 1 << 18

// gdHelpers is the process's fixed pool of helper goroutines for GD steps,
// started on first use: GOMAXPROCS − 1 of them, none on one core. A step
// offers its second half with a non-blocking send, so when every helper is
// busy (two runs stepping at once) the step simply runs both halves itself.
var gdHelpers struct {
	once sync.Once
	jobs chan *gdHalf
}

func startGDHelpers() chan *gdHalf {
	gdHelpers.once.Do(func() {
		workers := runtime.GOMAXPROCS(0) - 1
		if workers < 1 {
			return
		}
		gdHelpers.jobs = make(chan *gdHalf)
		for range workers {
			go func() {
				for h := range gdHelpers.jobs {
					h.run()
					h.done <- struct{}{}
				}
			}()
		}
	})
	return gdHelpers.jobs
}

// gdHalf is one half of a split GD step, preallocated per method so that a
// step allocates nothing. Phase residual computes rows [lo, hi) of Xβ − y;
// phase update computes g_J = X_Jᵀr/n on columns J = [lo, hi) and applies
// the update (U) to them.
type gdHalf struct {
	m      *gdMethod
	update bool
	lo, hi int
	norm2  float64
	done   chan struct{}
}

func (h *gdHalf) run() {
	m := h.m
	p := m.prob
	X := blas64.Implementation()
	if !h.update {
		// r_I = X_I β − y_I; r_I already holds y_I.
		X.Dgemv(blas.NoTrans, h.hi-h.lo, p.D, 1, p.X[h.lo*p.D:], p.D, m.state.Beta, 1, -1, m.resid[h.lo:h.hi], 1)
		return
	}
	cols := h.hi - h.lo
	g := m.grad[h.lo:h.hi]
	X.Dgemv(blas.Trans, p.N, cols, 1/float64(p.N), p.X[h.lo:], p.D, m.resid, 1, 0, g, 1)
	h.norm2 = multiplicativeUpdate(m.wp[h.lo:h.hi], m.wm[h.lo:h.hi], m.state.Beta[h.lo:h.hi], g, m.params.Step)
}

// gdSplit is the state of the two-core step of one method.
type gdSplit struct {
	own, other gdHalf
}

func newGDSplit(m *gdMethod) *gdSplit {
	s := &gdSplit{}
	s.own.m, s.other.m = m, m
	s.other.done = make(chan struct{}, 1)
	return s
}

// do runs the phase with the rows (or columns) [0, mid) here and [mid, end)
// on a helper when one is free, and returns the sum of the halves' ‖β‖².
// Each half computes the entries of its rows or columns as the one-core
// step does, but gonum's kernels unroll a sub-matrix's columns differently,
// so an entry may differ in its last bit: β stays within rounding (1e-12
// relative is tested, 4e-16 is typical after hundreds of steps), not bit
// for bit. ‖β‖², used only for the divergence test, is summed per half.
func (s *gdSplit) do(update bool, mid, end int) float64 {
	s.own.update, s.own.lo, s.own.hi = update, 0, mid
	s.other.update, s.other.lo, s.other.hi = update, mid, end
	sent := false
	select {
	case startGDHelpers() <- &s.other:
		sent = true
	default:
	}
	s.own.run()
	if sent {
		<-s.other.done
	} else {
		s.other.run()
	}
	return s.own.norm2 + s.other.norm2
}

// step is one GD step on two cores; it returns the loss at β_k and ‖β_{k+1}‖².
func (s *gdSplit) step(m *gdMethod) (loss float64, norm2 float64, ok bool) {
	p := m.prob
	copy(m.resid, p.Y)
	s.do(false, p.N/2, p.N)
	var ss float64
	for _, v := range m.resid {
		ss += v * v
	}
	loss = ss / (4 * float64(p.N))
	if !m.noteLoss(loss) {
		return loss, 0, false
	}
	// Split the columns at a multiple of 8 so both halves use the AVX2
	// kernel on their bulk.
	mid := (p.D / 2) &^ 7
	return loss, s.do(true, mid, p.D), true
}
