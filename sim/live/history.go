package live

import "math"

// Metric names one charted quantity of a run.
type Metric int

// The charted metrics.
const (
	Loss      Metric = iota // training loss L(β)
	L1                      // ‖β‖₁
	Alpha                   // α_t, geometric mean over coordinates
	TestError               // (β−β*)ᵀΣ(β−β*); absent when β* is unknown
	AlphaMin                // the smallest α_t,j over the coordinates
	AlphaMax                // the largest α_t,j
	numMetrics
)

// Metrics lists the charted metrics in chart order (AlphaMin and AlphaMax
// are drawn as the α_t chart's band).
var Metrics = []Metric{Loss, L1, Alpha, TestError}

// Log reports whether the metric is plotted as log₁₀ of its value.
func (m Metric) Log() bool { return m != L1 }

// Name is a short column name, used in the CSV export.
func (m Metric) Name() string {
	switch m {
	case Loss:
		return "train_loss"
	case L1:
		return "l1_norm"
	case Alpha:
		return "alpha_geomean"
	case TestError:
		return "test_error"
	case AlphaMin:
		return "alpha_min"
	case AlphaMax:
		return "alpha_max"
	}
	return "unknown"
}

// History sizes: a history never holds more buckets than this, whatever the
// number of steps, so memory and the cost of a frame stay flat.
const (
	linBuckets       = 256
	logBuckets       = 256
	logPerDecadeInit = 32
)

// bucket aggregates the samples that fell into one time interval.
type bucket struct {
	lo, hi [numMetrics]float64
	has    [numMetrics]bool
	tLast  float64 // time of the last sample in the bucket: its position on the axis
	n      int32
}

func (b *bucket) include(t float64, v *[numMetrics]float64, has *[numMetrics]bool) {
	for m := range v {
		if !has[m] || !finite(v[m]) {
			continue
		}
		if !b.has[m] {
			b.lo[m], b.hi[m], b.has[m] = v[m], v[m], true
			continue
		}
		b.lo[m] = math.Min(b.lo[m], v[m])
		b.hi[m] = math.Max(b.hi[m], v[m])
	}
	b.tLast = t
	b.n++
}

// merge folds c (later in time) into b.
func (b *bucket) merge(c *bucket) {
	if c.n == 0 {
		return
	}
	if b.n == 0 {
		*b = *c
		return
	}
	for m := range b.lo {
		switch {
		case !c.has[m]:
		case !b.has[m]:
			b.lo[m], b.hi[m], b.has[m] = c.lo[m], c.hi[m], true
		default:
			b.lo[m] = math.Min(b.lo[m], c.lo[m])
			b.hi[m] = math.Max(b.hi[m], c.hi[m])
		}
	}
	b.tLast = c.tLast
	b.n += c.n
}

// history is a bounded, decimated record of one run's metrics: buckets of
// equal width in time (for a linear axis) or in log time (for a log axis).
// When the buckets run out, neighbours merge pairwise and the width doubles.
type history struct {
	log bool
	// Linear: bucket k covers [k·width, (k+1)·width).
	// Log: bucket k covers [t0·10^(k/perDecade), t0·10^((k+1)/perDecade)).
	width     float64
	t0        float64
	perDecade float64
	buckets   []bucket
	samples   int64
}

func newLinHistory(width float64) *history {
	return &history{width: width, buckets: make([]bucket, 0, linBuckets)}
}

func newLogHistory() *history {
	return &history{log: true, perDecade: logPerDecadeInit, buckets: make([]bucket, 0, logBuckets)}
}

// add records one sample at time t. A log history ignores t ≤ 0.
func (h *history) add(t float64, v *[numMetrics]float64, has *[numMetrics]bool) {
	if !(t >= 0) || math.IsInf(t, 0) {
		return
	}
	k, ok := h.index(t)
	if !ok {
		return
	}
	// The bound is the kind's, not the slice's capacity: a clone's slice is
	// only as long as its buckets (an empty one has none), and a limit of 0
	// would halve forever.
	limit := h.maxBuckets()
	for k >= limit {
		h.halve()
		k, _ = h.index(t)
	}
	for len(h.buckets) <= k {
		h.buckets = append(h.buckets, bucket{})
	}
	h.buckets[k].include(t, v, has)
	h.samples++
}

func (h *history) index(t float64) (int, bool) {
	if !h.log {
		if h.width <= 0 {
			h.width = math.Max(t, 1)
		}
		return int(math.Min(t/h.width, 1<<40)), true
	}
	if t <= 0 {
		return 0, false
	}
	if h.t0 == 0 {
		h.t0 = t
	}
	if t < h.t0 {
		t = h.t0
	}
	// The decades as a difference of logarithms: t/t0 overflows to +Inf
	// for t near the largest float (a huge live γ), and 0·Inf, once the
	// halvings have worn perDecade down to 0, would index with NaN.
	k := math.Floor(h.perDecade * (math.Log10(t) - math.Log10(h.t0)))
	if math.IsNaN(k) {
		return 0, false
	}
	return int(math.Min(k, 1<<40)), true
}

// halve merges neighbouring buckets pairwise, doubling the bucket width.
func (h *history) halve() {
	n := (len(h.buckets) + 1) / 2
	for i := 0; i < n; i++ {
		b := h.buckets[2*i]
		if 2*i+1 < len(h.buckets) {
			b.merge(&h.buckets[2*i+1])
		}
		h.buckets[i] = b
	}
	clear(h.buckets[n:])
	h.buckets = h.buckets[:n]
	if h.log {
		h.perDecade /= 2
	} else {
		h.width *= 2
	}
}

// maxBuckets is how many buckets the history keeps before it halves.
func (h *history) maxBuckets() int {
	if h.log {
		return logBuckets
	}
	return linBuckets
}

// clone returns an independent copy for a snapshot.
func (h *history) clone() *history {
	c := *h
	c.buckets = append(make([]bucket, 0, len(h.buckets)), h.buckets...)
	return &c
}

// restore returns an independent copy that goes on recording (a fork's
// run): its buckets have their full capacity, so that adding samples never
// reallocates.
func (h *history) restore() *history {
	c := *h
	c.buckets = append(make([]bucket, 0, h.maxBuckets()), h.buckets...)
	return &c
}

// firstTime is the time of the first bucket that holds a sample, or NaN.
func (h *history) firstTime() float64 {
	for i := range h.buckets {
		if h.buckets[i].n > 0 {
			if h.log {
				return h.t0
			}
			return math.Min(h.buckets[i].tLast, float64(i)*h.width)
		}
	}
	return math.NaN()
}

// plotFloor is the smallest value a log₁₀ chart shows; zero and underflow
// map to it so that no chart ever receives −Inf.
const plotFloor = -300

// plotValue maps a metric value to chart units: log₁₀ for log metrics.
func plotValue(m Metric, v float64) float64 {
	if !m.Log() {
		return v
	}
	if !(v > 0) {
		return plotFloor
	}
	return math.Max(math.Log10(v), plotFloor)
}

// envelope reduces the history of metric m to at most cols columns of an
// axis, in chart units: the smallest and largest value of the samples in
// each column. Columns without a sample are interpolated between their
// neighbours (held before the first); the slices end at the last column
// that holds data. Every value is finite.
func (h *history) envelope(m Metric, ax Axis, cols int) (lo, hi []float64) {
	if cols < 1 || len(h.buckets) == 0 {
		return nil, nil
	}
	lo = make([]float64, cols)
	hi = make([]float64, cols)
	seen := make([]bool, cols)
	last := -1
	for i := range h.buckets {
		b := &h.buckets[i]
		if b.n == 0 || !b.has[m] {
			continue
		}
		c, ok := ax.Column(b.tLast, cols)
		if !ok {
			continue
		}
		vlo, vhi := plotValue(m, b.lo[m]), plotValue(m, b.hi[m])
		if !finite(vlo) || !finite(vhi) {
			continue
		}
		if !seen[c] {
			lo[c], hi[c], seen[c] = vlo, vhi, true
		} else {
			lo[c], hi[c] = math.Min(lo[c], vlo), math.Max(hi[c], vhi)
		}
		last = max(last, c)
	}
	if last < 0 {
		return nil, nil
	}
	lo, hi = lo[:last+1], hi[:last+1]
	prev := -1
	for c := 0; c <= last; c++ {
		if !seen[c] {
			continue
		}
		if prev < 0 {
			for k := 0; k < c; k++ {
				lo[k], hi[k] = lo[c], hi[c] // nothing before the first sample: hold it
			}
		} else {
			for k := prev + 1; k < c; k++ {
				f := float64(k-prev) / float64(c-prev)
				lo[k] = lo[prev] + f*(lo[c]-lo[prev])
				hi[k] = hi[prev] + f*(hi[c]-hi[prev])
			}
		}
		prev = c
	}
	return lo, hi
}

// Decimate turns a min/max envelope into one value per column for a line
// chart. Where a column's spread is at least minSpread (say one chart row),
// it keeps the extreme farther from the previous column's value, so spikes
// and noise bands survive; narrower columns take their midpoint. The first
// column takes the extreme farther from the second's midpoint, i.e. where
// the run starts.
func Decimate(lo, hi []float64, minSpread float64) []float64 {
	n := min(len(lo), len(hi))
	out := make([]float64, n)
	for c := 0; c < n; c++ {
		mid := 0.5 * (lo[c] + hi[c])
		switch {
		case hi[c]-lo[c] < minSpread && c > 0:
			out[c] = mid
		case c == 0:
			out[c] = mid
			if n > 1 {
				next := 0.5 * (lo[1] + hi[1])
				out[c] = lo[c]
				if math.Abs(hi[c]-next) > math.Abs(lo[c]-next) {
					out[c] = hi[c]
				}
			}
		default:
			prev := out[c-1]
			out[c] = lo[c]
			if math.Abs(hi[c]-prev) > math.Abs(lo[c]-prev) {
				out[c] = hi[c]
			}
		}
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Axis is a time range mapped onto chart columns, linearly or in log time.
type Axis struct {
	Log    bool
	Lo, Hi float64 // times; for a log axis 0 < Lo
}

// Valid reports whether the axis spans a usable range.
func (a Axis) Valid() bool {
	if !finite(a.Lo) || !finite(a.Hi) || a.Hi < a.Lo {
		return false
	}
	return !a.Log || a.Lo > 0
}

func (a Axis) coord(t float64) float64 {
	if a.Log {
		return math.Log10(math.Max(t, a.Lo))
	}
	return t
}

// Column maps time t to a column in [0, cols); ok is false outside the axis.
func (a Axis) Column(t float64, cols int) (int, bool) {
	if !a.Valid() || cols < 1 || !finite(t) {
		return 0, false
	}
	if a.Log && t <= 0 {
		return 0, false
	}
	x0, x1 := a.coord(a.Lo), a.coord(a.Hi)
	x := a.coord(t)
	if x1 <= x0 {
		return cols - 1, true // one point in time: everything at the end
	}
	f := (x - x0) / (x1 - x0)
	if f < -1e-9 || f > 1+1e-9 {
		return 0, false
	}
	c := int(math.Round(f * float64(cols-1)))
	return min(max(c, 0), cols-1), true
}

// At returns the time at fraction f ∈ [0, 1] of the axis.
func (a Axis) At(f float64) float64 {
	if a.Log {
		x0, x1 := math.Log10(a.Lo), math.Log10(a.Hi)
		return math.Pow(10, x0+f*(x1-x0))
	}
	return a.Lo + f*(a.Hi-a.Lo)
}
