package theory

import (
	"runtime"
)

// The Newton matrix of the dual φ_α solve (theory.md §7) is the weighted Gram
// matrix X·diag(w)·Xᵀ: n²d/2 multiply-adds for its upper triangle, nearly all
// of a Newton step at (n, d) = (400, 4000) and beyond. gonum's native Dsyrk
// forms it as n²/2 separate dot products over whole rows of length d, which
// re-reads the matrix from memory for every output row and reaches about
// 1 GFLOP/s here; its Dgemm is no faster on this shape. The kernel below is
// the same sum blocked for the caches: the columns of X are walked in panels
// of gramPanel, the output in tiles of gramTile rows so that a tile's panel
// stays in the level-2 cache, and each inner loop computes a 2×4 block of
// outputs from six rows, keeping eight sums in registers (tile). Two cores
// split the columns of X in halves and add their triangles at the end.
const (
	gramPanel = 128 // columns of X per panel: a row's panel is 1 KB
	gramTile  = 128 // output rows per tile: a tile's panel is 128 KB
	// gramParallelWork is the n²d above which the second core helps; below
	// it the product takes under a millisecond on one core (a round number,
	// not tuned).
	gramParallelWork = 4e6
)

// gram forms the upper triangle of X·diag(w)·Xᵀ for one X, with its buffers
// and its second-core helper allocated once.
type gram struct {
	n, d    int
	x       []float64 // X, n×d row-major (not owned)
	xw      []float64 // X·diag(√w), n×d
	parts   [2]gramPart
	helper  chan *gramPart // nil when one core does it all
	partial []float64      // the second part's triangle (n×n)
}

// gramPart is one half of the columns of X and where its sum goes.
type gramPart struct {
	g      *gram
	lo, hi int       // columns [lo, hi) of X
	sqrtW  []float64 // √w (d), set per build
	out    []float64 // n×n upper triangle
	done   chan struct{}
}

func newGram(n, d int, x []float64) *gram {
	g := &gram{n: n, d: d, x: x, xw: make([]float64, n*d)}
	g.parts[0] = gramPart{g: g, lo: 0, hi: d}
	if runtime.GOMAXPROCS(0) >= 2 && float64(n)*float64(n)*float64(d) >= gramParallelWork {
		g.partial = make([]float64, n*n)
		half := d / 2
		g.parts[0].hi = half
		g.parts[1] = gramPart{g: g, lo: half, hi: d, out: g.partial, done: make(chan struct{}, 1)}
		g.helper = startGramHelper(g)
	}
	return g
}

// startGramHelper starts the goroutine that runs the second part. It holds
// no reference to g between jobs, so g can be collected; the cleanup then
// closes the channel and the goroutine ends.
func startGramHelper(g *gram) chan *gramPart {
	jobs := make(chan *gramPart)
	go func() {
		for part := range jobs {
			part.run()
			part.done <- struct{}{}
		}
	}()
	runtime.AddCleanup(g, func(jobs chan *gramPart) { close(jobs) }, jobs)
	return jobs
}

// build writes the upper triangle of X·diag(sqrtW²)·Xᵀ into out (n×n,
// row-major); the strict lower triangle is left unspecified.
func (g *gram) build(sqrtW, out []float64) {
	g.parts[0].sqrtW, g.parts[0].out = sqrtW, out
	if g.helper == nil {
		g.parts[0].run()
		return
	}
	second := &g.parts[1]
	second.sqrtW = sqrtW
	g.helper <- second
	g.parts[0].run()
	<-second.done
	second.sqrtW = nil
	n := g.n
	for i := range n {
		row, add := out[i*n+i:(i+1)*n], g.partial[i*n+i:(i+1)*n]
		for j, v := range add {
			row[j] += v
		}
	}
}

// run scales this part's columns of X by √w and sums their Gram triangle
// into p.out.
func (p *gramPart) run() {
	g := p.g
	n, d := g.n, g.d
	for i := range n {
		row, dst := g.x[i*d+p.lo:i*d+p.hi], g.xw[i*d+p.lo:i*d+p.hi]
		w := p.sqrtW[p.lo:p.hi]
		for k, v := range row {
			dst[k] = v * w[k]
		}
	}
	clearUpper(p.out, n)
	for k0 := p.lo; k0 < p.hi; k0 += gramPanel {
		k1 := min(k0+gramPanel, p.hi)
		for i0 := 0; i0 < n; i0 += gramTile {
			g.tile(p.out, k0, k1, i0, min(i0+gramTile, n))
		}
	}
}

func clearUpper(h []float64, n int) {
	for i := range n {
		clear(h[i*n+i : (i+1)*n])
	}
}

// tile adds columns [k0, k1) of the sums for output rows [i0, i1) (i0
// even) and every column j ≥ i (the upper triangle). Four columns' panels
// stay in the level-1 cache while the tile's rows stream past them two at a
// time from the level-2 cache: per 2×4 block two panels come from level 2,
// not four (about 20% faster than the transposed order, measured at
// (1000, 10000)). Rows and columns past n reuse the last valid one and are
// not written.
func (g *gram) tile(out []float64, k0, k1, i0, i1 int) {
	n, d, a := g.n, g.d, g.xw
	seg := func(i int) []float64 { return a[i*d+k0 : i*d+k1] }
	for j := i0 &^ 3; j < n; j += 4 {
		b0, b1, b2, b3 := seg(j), seg(min(j+1, n-1)), seg(min(j+2, n-1)), seg(min(j+3, n-1))
		for i := i0; i < min(i1, j+4); i += 2 {
			var s [8]float64
			block2x4(&s, seg(i), seg(min(i+1, n-1)), b0, b1, b2, b3)
			for c := range min(4, n-j) {
				if j+c >= i {
					out[i*n+j+c] += s[c]
				}
				if i+1 < i1 && j+c >= i+1 {
					out[(i+1)*n+j+c] += s[4+c]
				}
			}
		}
	}
}

// block2x4 sets s[4r+c] = ⟨a_r, b_c⟩ for r < 2, c < 4: in AVX2 up to the last
// multiple of four, in Go for the rest.
func block2x4(s *[8]float64, a0, a1, b0, b1, b2, b3 []float64) {
	head := 0
	if haveAVX2 {
		head = len(a0) &^ 3
		if head > 0 {
			dot2x4AVX2(&a0[0], &a1[0], &b0[0], &b1[0], &b2[0], &b3[0], head, s)
		}
	}
	if head == len(a0) {
		return
	}
	t00, t01, t02, t03, t10, t11, t12, t13 := dot2x4(a0[head:], a1[head:], b0[head:], b1[head:], b2[head:], b3[head:])
	s[0] += t00
	s[1] += t01
	s[2] += t02
	s[3] += t03
	s[4] += t10
	s[5] += t11
	s[6] += t12
	s[7] += t13
}

// dot2x4 returns the eight dot products ⟨a_r, b_c⟩, r < 2, c < 4, row by
// row; the b's are at least as long as a0.
func dot2x4(a0, a1, b0, b1, b2, b3 []float64) (s00, s01, s02, s03, s10, s11, s12, s13 float64) {
	a1, b0, b1, b2, b3 = a1[:len(a0)], b0[:len(a0)], b1[:len(a0)], b2[:len(a0)], b3[:len(a0)]
	for k, x0 := range a0 {
		x1, y0, y1, y2, y3 := a1[k], b0[k], b1[k], b2[k], b3[k]
		s00 += x0 * y0
		s01 += x0 * y1
		s02 += x0 * y2
		s03 += x0 * y3
		s10 += x1 * y0
		s11 += x1 * y1
		s12 += x1 * y2
		s13 += x1 * y3
	}
	return
}

// Gram forms weighted Gram matrices X·diag(w)·Xᵀ of one X with the blocked
// kernel above, on two cores at large sizes, for users outside the solvers
// (GF's Jacobian in its stiff mode).
type Gram struct{ g *gram }

// NewGram prepares the products for the n×d row-major X, which is read, not
// copied; it allocates a buffer of X's size.
func NewGram(n, d int, x []float64) *Gram { return &Gram{g: newGram(n, d, x)} }

// Upper writes the upper triangle of X·diag(sqrtW²)·Xᵀ into out (n×n,
// row-major); the strict lower triangle is left unspecified.
func (g *Gram) Upper(sqrtW, out []float64) { g.g.build(sqrtW, out) }
