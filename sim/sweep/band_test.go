package sweep

import (
	"math"
	"testing"
)

func TestBandsAgainstHandComputedValues(t *testing.T) {
	x := []float64{4, 1, 2, math.NaN(), 8, 16} // NaN is left out
	cases := []struct {
		b         Band
		c, lo, hi float64
	}{
		// mean 6.2, sd² = (4.84+27.04+17.64+3.24+96.04)/4 = 37.2
		{BandSD, 6.2, 6.2 - math.Sqrt(37.2), 6.2 + math.Sqrt(37.2)},
		{BandSEM, 6.2, 6.2 - math.Sqrt(37.2/5), 6.2 + math.Sqrt(37.2/5)},
		// sorted 1 2 4 8 16: quartiles at positions 2 and 4 (1-based): 2 and 8
		{BandIQR, 4, 2, 8},
		// logs are ln 2 · (0,1,2,3,4): mean 2 ln 2, sd ln 2·√2.5
		{BandGeo, 4, 4 / math.Pow(2, math.Sqrt(2.5)), 4 * math.Pow(2, math.Sqrt(2.5))},
	}
	for _, c := range cases {
		got, lo, hi, ok := c.b.Of(x)
		if !ok || math.Abs(got-c.c) > 1e-12 || math.Abs(lo-c.lo) > 1e-12 || math.Abs(hi-c.hi) > 1e-12 {
			t.Errorf("%s: %v %v %v %v; want %v %v %v", c.b, got, lo, hi, ok, c.c, c.lo, c.hi)
		}
	}
	// Interpolated quartiles: 1 2 3 4 → Q1 = 1.75, median 2.5, Q3 = 3.25.
	if c, lo, hi, _ := BandIQR.Of([]float64{3, 1, 4, 2}); c != 2.5 || lo != 1.75 || hi != 3.25 {
		t.Errorf("iqr of 1..4: %v %v %v", c, lo, hi)
	}
	// One value: a bar of zero length.
	for _, b := range Bands {
		near := func(v float64) bool { return math.Abs(v-3) < 1e-15*3 }
		if c, lo, hi, ok := b.Of([]float64{3}); !ok || !near(c) || !near(lo) || !near(hi) {
			t.Errorf("%s of one value: %v %v %v %v", b, c, lo, hi, ok)
		}
		if _, _, _, ok := b.Of(nil); ok {
			t.Errorf("%s of nothing", b)
		}
	}
	if _, _, _, ok := BandGeo.Of([]float64{1, 0}); ok {
		t.Error("geometric mean of a zero")
	}
	if _, err := ParseBand("ci"); err == nil {
		t.Error("ParseBand(ci)")
	}
}

func TestResultValuesFollowTheRecords(t *testing.T) {
	c := smallConfig(t)
	res := mustRun(t, c, Options{})
	for _, s := range res.Summaries() {
		vals := res.Values(s.Point.Index, s.Algo, TestError)
		st := s.Stat(TestError)
		if len(vals) != st.N {
			t.Fatalf("%d values, the summary has n = %d", len(vals), st.N)
		}
		if m, _, _, ok := BandSD.Of(vals); ok && math.Abs(m-*st.Mean) > 1e-12*math.Abs(m) {
			t.Fatalf("mean %v, summary %v", m, *st.Mean)
		}
	}
}
