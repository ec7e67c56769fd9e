package sim

// gdOnePassMinElems is the size of X (n·d entries) from which GD takes the
// one-pass step on one core, and gdTwoCoreMinElems the size from which that
// step is shared with a second core. BenchmarkGDOnePass, on a loaded 2-core
// machine: the one-pass step was 1.3× faster than the two-pass one at
// (8, 32), tied at (20, 50) and was 1.2–2.4× faster from (40, 100) (4000
// entries) up; below 2¹¹ entries the run keeps no copy of X. With other
// processes holding both cores the two-core step lost at (200, 2000) and
// (400, 4000): the helper then waits for a time slice. On a quiet machine
// it won by 15–30% at (100, 1000) and (200, 2000), and halved the step at
// (400, 4000); the split starts at 2¹⁸ entries, between the two. Variables,
// not constants, so that tests can force either path at small sizes.
var (
	gdOnePassMinElems = 1 << 11
	gdTwoCoreMinElems = 1 << 18
)

// gdCopyMaxBytes bounds the copy of X by columns that the one-pass step
// keeps; above it GD reads X where it is (the two-pass step, or the
// column-block split at large X).
const gdCopyMaxBytes = 256 << 20

// useOnePass reports whether GD on an n×d problem takes the one-pass step:
// X is large enough for the step to pay, its column copy fits the bound,
// and the padding of columns to eight rows at most doubles it (n ≥ 4).
func useOnePass(n, d int) bool {
	elems := float64(n) * float64(d) // in floats: no overflow at any size
	return n >= 4 && elems >= float64(gdOnePassMinElems) && 8*float64(paddedStride(n))*float64(d) <= gdCopyMaxBytes
}

// gdOnePass is GD's step reading X once (theory.md §2 for the update). X is
// row-major, so its columns are strided; the step keeps a copy of X by
// columns, made once per run, and walks it four columns at a time: the four
// dots with r_k, the update (U) of w± and β on those columns, and
// r_{k+1} − r_k += X_J·Δβ_J while the columns are still in L1 (onePass).
// The two-pass step reads all of X twice, from memory or the last-level
// cache; this one reads it once. On two cores each part owns half of the
// columns and a private increment of r, and the parts meet once a step to
// add their increments to r. The residual is recomputed as Xβ − y every
// gdExactEvery steps and after Reset, so that rounding in the increments
// cannot accumulate.
type gdOnePass struct {
	xt     []float64 // X by columns, stride rows each (zero padding)
	stride int
	parts  [2]onePassPart // the second is empty on one core
	helper *gdHelper      // the second core's goroutine; nil on one core
	splitResidual
}

// onePassPart is a range of columns with its private residual increment,
// preallocated so that a step allocates nothing.
type onePassPart struct {
	m      *gdMethod
	xt     []float64 // the columns lo..hi of the copy
	lo, hi int
	dz     []float64 // this part's increment of the residual (stride rows)
	norm2  float64
	exact  *bool // the step's exactPass: dz is then this part's Xβ_{k+1}
}

// newGDOnePass copies X by columns and splits the columns between two
// parts when twoCores is set (the split point a multiple of four, so that
// only the last part has a column tail). It pads m.resid to the stride with
// zeros, which the kernel reads and no step writes.
func newGDOnePass(m *gdMethod, twoCores bool) *gdOnePass {
	n, d := m.prob.N, m.prob.D
	stride := paddedStride(n)
	f := &gdOnePass{xt: columnsOf(m.prob.X, n, d, stride), stride: stride, splitResidual: splitResidual{stale: true}}
	m.resid = make([]float64, stride)[:n]
	mid := d
	if twoCores { // on one core (GOMAXPROCS=1) the step runs both parts itself
		mid = (d / 2) &^ 3
		f.helper = startGDHelper(m)
	}
	for i, cols := range [2][2]int{{0, mid}, {mid, d}} {
		f.parts[i] = onePassPart{
			m: m, xt: f.xt[cols[0]*stride : cols[1]*stride], lo: cols[0], hi: cols[1],
			dz: make([]float64, stride), exact: &f.exactPass,
		}
	}
	return f
}

func (p *onePassPart) run() {
	m := p.m
	clear(p.dz)
	p.norm2 = onePass(p.xt, len(p.dz), m.resid[:len(p.dz)], p.dz,
		m.wp[p.lo:p.hi], m.wm[p.lo:p.hi], m.state.Beta[p.lo:p.hi], 1/float64(m.prob.N), m.params.Step, *p.exact)
}

func (f *gdOnePass) invalidate() { f.stale = true }

// step is one GD step. It returns the loss at β_k and ‖β_{k+1}‖², and
// leaves r_{k+1} in m.resid; it has added γ·r_k/n to the span coefficients
// (G += γg, §5) before r changed.
func (f *gdOnePass) step(m *gdMethod) (loss, norm2 float64, ok bool) {
	if loss, ok = f.begin(m, f.helper, true); !ok {
		return loss, 0, false
	}
	own, other := &f.parts[0], &f.parts[1]
	runParts(f.helper, own, other, other.lo < other.hi)
	f.end(m, own.dz, other.dz)
	return loss, own.norm2 + other.norm2, true
}

// squaredNorm is ‖v‖², summed in order.
func squaredNorm(v []float64) float64 {
	var ss float64
	for _, x := range v {
		ss += x * x
	}
	return ss
}

// ExtraStepBytes is the memory a run of algorithm a on an n×d problem holds
// beyond its vectors of length n and d: for GD, the copy of X by columns
// when it takes the one-pass step (at most gdCopyMaxBytes); none otherwise.
func ExtraStepBytes(a Algo, n, d int) float64 {
	if a.Base() != GD || !useOnePass(n, d) {
		return 0
	}
	return float64(8 * paddedStride(n) * d)
}
