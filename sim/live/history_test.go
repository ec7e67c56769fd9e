package live

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func sampleAt(v float64) (*[numMetrics]float64, *[numMetrics]bool) {
	var vals [numMetrics]float64
	var has [numMetrics]bool
	for m := range vals {
		vals[m], has[m] = v, true
	}
	return &vals, &has
}

// A history holds a bounded number of buckets however many samples it gets,
// and its buckets keep the global minimum and maximum exactly.
func TestHistoryBoundedKeepsExtremes(t *testing.T) {
	for _, h := range []*history{newLinHistory(0.01), newLogHistory()} {
		rng := rand.New(rand.NewPCG(1, 2))
		lo, hi := math.Inf(1), math.Inf(-1)
		for k := 1; k <= 1_000_000; k++ {
			v := 1 + rng.Float64()
			if k == 777_777 {
				v = 100 // a spike
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
			vals, has := sampleAt(v)
			h.add(float64(k)*0.01, vals, has)
		}
		if len(h.buckets) > cap(h.buckets) || cap(h.buckets) > 256 {
			t.Fatalf("log=%v: %d buckets (cap %d), want ≤ 256", h.log, len(h.buckets), cap(h.buckets))
		}
		gotLo, gotHi := math.Inf(1), math.Inf(-1)
		var n int64
		for _, b := range h.buckets {
			if b.n == 0 {
				continue
			}
			n += int64(b.n)
			gotLo, gotHi = math.Min(gotLo, b.lo[Loss]), math.Max(gotHi, b.hi[Loss])
		}
		if gotLo != lo || gotHi != hi {
			t.Errorf("log=%v: buckets span [%v, %v], samples [%v, %v]", h.log, gotLo, gotHi, lo, hi)
		}
		if n != 1_000_000 || h.samples != 1_000_000 {
			t.Errorf("log=%v: %d samples in buckets, %d counted; want 1e6", h.log, n, h.samples)
		}
	}
}

// The spike survives the reduction to a few columns: decimation keeps the
// extreme of a column that spreads over more than a row.
func TestEnvelopeKeepsSpike(t *testing.T) {
	h := newLinHistory(1)
	for k := 0; k <= 10_000; k++ {
		v := 1.0
		if k == 6_001 {
			v = 1e6
		}
		vals, has := sampleAt(v)
		h.add(float64(k), vals, has)
	}
	ax := Axis{Lo: 0, Hi: 10_000}
	lo, hi := h.envelope(Loss, ax, 40)
	if len(lo) != 40 || len(hi) != 40 {
		t.Fatalf("envelope has %d/%d columns, want 40", len(lo), len(hi))
	}
	series := Decimate(lo, hi, 0.5)
	if mx := maxOf(series); mx != 6 {
		t.Errorf("max of decimated series = %v, want 6 (log₁₀ 1e6)", mx)
	}
	for _, v := range series {
		if !finite(v) {
			t.Fatalf("non-finite value %v", v)
		}
	}
}

func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}

// Zero, negative, NaN and infinite inputs never come out of an envelope as
// anything but finite numbers.
func TestEnvelopeSanitises(t *testing.T) {
	h := newLinHistory(1)
	for k, v := range []float64{1, 0, -3, math.NaN(), math.Inf(1), math.Inf(-1), 1e-320, 5} {
		vals, has := sampleAt(v)
		h.add(float64(k), vals, has)
	}
	for _, m := range Metrics {
		lo, hi := h.envelope(m, Axis{Lo: 0, Hi: 7}, 7)
		for i := range lo {
			if !finite(lo[i]) || !finite(hi[i]) {
				t.Fatalf("%s: column %d = [%v, %v]", m.Name(), i, lo[i], hi[i])
			}
		}
	}
}

// Before the first sample columns hold its value; between samples they are
// interpolated; after the last they are cut off.
func TestEnvelopeInterpolatesAndTrims(t *testing.T) {
	h := newLinHistory(1)
	vals, has := sampleAt(10)
	h.add(0, vals, has)
	vals, has = sampleAt(20)
	h.add(4, vals, has)
	lo, _ := h.envelope(L1, Axis{Lo: 0, Hi: 8}, 9)
	want := []float64{10, 12.5, 15, 17.5, 20}
	if len(lo) != len(want) {
		t.Fatalf("got %v, want %v", lo, want)
	}
	for i := range want {
		if math.Abs(lo[i]-want[i]) > 1e-12 {
			t.Fatalf("got %v, want %v", lo, want)
		}
	}
}

func TestAxisColumn(t *testing.T) {
	lin := Axis{Lo: 0, Hi: 100}
	for _, c := range []struct {
		t    float64
		want int
		ok   bool
	}{{0, 0, true}, {100, 10, true}, {50, 5, true}, {101, 0, false}, {math.NaN(), 0, false}} {
		got, ok := lin.Column(c.t, 11)
		if got != c.want || ok != c.ok {
			t.Errorf("lin Column(%v) = %d,%v want %d,%v", c.t, got, ok, c.want, c.ok)
		}
	}
	lg := Axis{Log: true, Lo: 0.01, Hi: 100}
	if c, ok := lg.Column(1, 5); c != 2 || !ok {
		t.Errorf("log Column(1) = %d,%v want 2,true", c, ok)
	}
	if _, ok := lg.Column(0, 5); ok {
		t.Error("log Column(0) should be off the axis")
	}
	if got := lg.At(0.5); math.Abs(got-1) > 1e-12 {
		t.Errorf("log At(0.5) = %v, want 1", got)
	}
}

// FuzzHistory feeds random times and values (NaN, ±Inf, zero included):
// nothing panics, the history stays bounded, envelopes stay finite.
func FuzzHistory(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 255, 128, 7})
	f.Add([]byte("a history of odd numbers"))
	f.Fuzz(func(t *testing.T, data []byte) {
		specials := []float64{0, -1, math.NaN(), math.Inf(1), math.Inf(-1), 1e-300, 1e300, 5e-324}
		for _, h := range []*history{newLinHistory(0.5), newLogHistory()} {
			tm := 0.0
			for i, b := range data {
				tm += float64(b) * math.Pow(10, float64(i%12)-4)
				v := float64(b) / 7
				if b%9 == 0 {
					v = specials[int(b)%len(specials)]
				}
				vals, has := sampleAt(v)
				h.add(tm, vals, has)
			}
			if len(h.buckets) > 256 {
				t.Fatalf("%d buckets", len(h.buckets))
			}
			for _, ax := range []Axis{{Lo: 0, Hi: tm}, {Log: true, Lo: math.Max(h.firstTime(), 1e-9), Hi: math.Max(tm, 1e-9)}} {
				for _, m := range Metrics {
					lo, hi := h.envelope(m, ax, 1+len(data)%50)
					for i := range lo {
						if !finite(lo[i]) || !finite(hi[i]) || lo[i] > hi[i] {
							t.Fatalf("column %d: [%v, %v]", i, lo[i], hi[i])
						}
					}
				}
			}
		}
	})
}

// A copy of a history records the samples that follow exactly as the
// original does: copies are only as long as their buckets, and a bound
// taken from the slice's capacity would halve them early, or forever when
// empty (a log history before its first sample at t > 0: a fork at t = 0).
func TestCopiedHistoryRecordsLikeTheOriginal(t *testing.T) {
	for _, mk := range []func() *history{func() *history { return newLinHistory(1) }, newLogHistory} {
		for _, before := range []int{0, 1, 3} {
			orig := mk()
			add := func(h *history, k int) {
				vals, has := sampleAt(float64(k + 1))
				h.add(float64(k), vals, has)
			}
			for k := range before {
				add(orig, k)
			}
			copies := []*history{orig.clone(), orig.restore()}
			for k := before; k < 2000; k++ {
				for _, h := range append(copies, orig) {
					add(h, k)
				}
			}
			for i, c := range copies {
				if c.width != orig.width || c.perDecade != orig.perDecade || c.samples != orig.samples ||
					!slices.Equal(c.buckets, orig.buckets) {
					t.Errorf("log %v, %d samples before the copy, copy %d: width %v perDecade %v samples %d buckets %d; original %v %v %d %d",
						orig.log, before, i, c.width, c.perDecade, c.samples, len(c.buckets), orig.width, orig.perDecade, orig.samples, len(orig.buckets))
				}
			}
		}
	}
}

// A sample near the largest float (a live γ of 1e308 moves the clock
// there) is recorded without a panic: t/t0 overflowed to +Inf and the
// index became NaN once the halvings wore the resolution down to 0.
func TestHistoryHugeTime(t *testing.T) {
	var v [numMetrics]float64
	var has [numMetrics]bool
	has[Loss], v[Loss] = true, 1
	for _, h := range []*history{newLinHistory(0.08), newLogHistory()} {
		for _, tt := range []float64{0.08, 0.16, 2.32, 1e308, 1.7e308} {
			h.add(tt, &v, &has)
		}
		if h.samples != 5 || len(h.buckets) == 0 || len(h.buckets) > h.maxBuckets() {
			t.Errorf("log %v: %d samples in %d buckets", h.log, h.samples, len(h.buckets))
		}
	}
}
