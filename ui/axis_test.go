package ui

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// A linear axis puts its rows on round values: the labels are the rows'
// values exactly, in one number of decimals.
func TestNiceRangeRowsAreRound(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		height int
	}{{0, 6.877, 4}, {2.71, 2.83, 6}, {-0.4, 7.3, 8}, {5, 5.0004, 3}, {1234, 98765, 5}} {
		lo, hi := niceRange(c.lo, c.hi, c.height)
		if lo > c.lo || hi < c.hi {
			t.Errorf("%v: [%v, %v] does not cover the data", c, lo, hi)
		}
		step := (hi - lo) / float64(c.height)
		labels := axisLabels(lo, hi, c.height, false, yLabelWidth)
		for row, l := range labels {
			if l == "" {
				continue
			}
			v := hi - float64(row)*step
			got, err := parseLabel(l)
			if err != nil || math.Abs(got-v) > 1e-9*math.Max(1, math.Abs(v)) {
				t.Errorf("%v: row %d is %v, labelled %q", c, row, v, l)
			}
		}
		checkOneStyle(t, labels)
	}
}

// 2.76 is never written "3": with rows 0.02 apart the axis has two decimals.
func TestAxisKeepsDigits(t *testing.T) {
	lo, hi := niceRange(2.70, 2.78, 4)
	labels := axisLabels(lo, hi, 4, false, yLabelWidth)
	if !strings.Contains(strings.Join(labels, " "), "2.76") {
		t.Errorf("labels %q lack 2.76", labels)
	}
}

// A log axis over many decades writes every label in the e3 style with the
// same mantissa digits; one within [10⁻³, 10⁵) in plain notation with the
// same decimals. No label exceeds the label width.
func TestLogAxisOneStyle(t *testing.T) {
	for _, c := range [][2]float64{{-21, 0}, {-1.27, -1}, {-2, 0.7}, {3, 7}, {-0.01, 0.01}} {
		labels := axisLabels(c[0], c[1], 6, true, yLabelWidth)
		checkOneStyle(t, labels)
		for _, l := range labels {
			if len(l) > yLabelWidth {
				t.Errorf("%v: label %q wider than %d", c, l, yLabelWidth)
			}
		}
	}
	if l := axisLabels(-21, 0, 3, true, yLabelWidth); l[0] != "1e0" || l[3] != "1e-21" {
		t.Errorf("decades labelled %q", l)
	}
}

// checkOneStyle asserts that the non-empty labels share one notation and
// one number of digits after the point (of the mantissa in e3 style), and
// that no label uses the long exponent form (e+03, e-05).
func checkOneStyle(t *testing.T, labels []string) {
	t.Helper()
	style := ""
	for _, l := range labels {
		if l == "" || l == "0" {
			continue
		}
		if strings.Contains(l, "e+") || strings.Contains(l, "e-0") {
			t.Errorf("long exponent in %q", l)
		}
		mant, exp, isExp := strings.Cut(l, "e")
		_ = exp
		decimals := 0
		if _, frac, ok := strings.Cut(mant, "."); ok {
			decimals = len(frac)
		}
		s := map[bool]string{true: "e", false: "f"}[isExp] + string(rune('0'+decimals))
		if style == "" {
			style = s
		} else if s != style {
			t.Errorf("labels %q mix styles %s and %s", labels, style, s)
			return
		}
	}
}

func parseLabel(l string) (float64, error) {
	var v float64
	_, err := fmtSscan(l, &v)
	return v, err
}

func fmtSscan(s string, v *float64) (int, error) { return fmt.Sscan(s, v) }

// Values in the table keep three significant digits, whatever the rounding.
func TestSigValue(t *testing.T) {
	for v, want := range map[float64]string{
		0.1: "0.100", 0.09999: "0.100", 0.0992: "0.0992", 6.877: "6.88", 9.9996: "10.0", 999.7: "1000",
		9999.7: "1.00e4", 12345: "1.23e4", 7.76e-21: "7.76e-21", 0.012: "0.0120", 0: "0", -0.5: "-0.500",
	} {
		if got := sigValue(v); got != want {
			t.Errorf("sigValue(%v) = %q, want %q", v, got, want)
		}
	}
}

// The time axis writes its ticks in one style, never the long exponent form.
func TestFormatTimes(t *testing.T) {
	for _, c := range []struct {
		ts   []float64
		log  bool
		want string
	}{
		{[]float64{0, 3056.2, 5910.1}, false, "0 3056 5910"},
		{[]float64{0, 8.28, 16}, false, "0 8.3 16.0"},
		{[]float64{0, 1.5e5, 3e5}, false, "0 1.50e5 3.00e5"},
		{[]float64{0.01, 14, 12355}, true, "0.01 14 1.2e4"},
		{[]float64{0.001, 0.44, 1.2e5}, true, "1.0e-3 0.44 1.2e5"},
		{[]float64{0.08, 8.1, 598.2, 999}, true, "0.08 8.1 600 1000"},
	} {
		if got := strings.Join(formatTimes(c.ts, c.log), " "); got != c.want {
			t.Errorf("formatTimes(%v, %v) = %q, want %q", c.ts, c.log, got, c.want)
		}
	}
}
