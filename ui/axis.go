package ui

import (
	"math"
	"strconv"
	"strings"
)

// The y axis of a chart: its range and its labels. One axis writes every
// label in one style — the same number of decimals in plain notation, or
// the same mantissa digits in the e3 notation — and a linear axis puts its
// rows on round values, so that a label is the row's value, not a rounding
// of it.

// padRange widens a range so that flat data still get a readable axis.
func padRange(lo, hi float64, logScale bool) (float64, float64) {
	span := hi - lo
	minSpan := 1e-3 * math.Max(math.Abs(lo), math.Abs(hi))
	if logScale {
		minSpan = math.Max(minSpan, 0.02)
	} else {
		minSpan = math.Max(minSpan, 1e-9)
	}
	if span < minSpan {
		mid := 0.5 * (lo + hi)
		lo, hi = mid-minSpan/2, mid+minSpan/2
	}
	return lo, hi
}

// niceRange widens [lo, hi] so that the rows of a plot of height intervals
// fall on multiples of a round step (1, 2, 2.5 or 5 × 10^k).
func niceRange(lo, hi float64, height int) (float64, float64) {
	if height < 1 || !(hi > lo) {
		return lo, hi
	}
	raw := (hi - lo) / float64(height)
	e := math.Floor(math.Log10(raw))
	for k := e; k <= e+2; k++ {
		for _, m := range []float64{1, 2, 2.5, 5} {
			step := m * math.Pow(10, k)
			if step < raw*(1-1e-9) {
				continue
			}
			start := math.Floor(lo/step+1e-9) * step
			if start+step*float64(height) >= hi*(1-1e-12)-1e-300 {
				return start, start + step*float64(height)
			}
		}
	}
	return lo, hi
}

// axisLabels returns the label of each row of a plot of height intervals
// over [lo, hi] (log₁₀ units when logScale), top row first: every row of
// short plots, every other row of tall ones (the top one always), blank
// elsewhere, each at most width cells.
func axisLabels(lo, hi float64, height int, logScale bool, width int) []string {
	every := 1
	if height > 7 {
		every = 2
	}
	labelled := make([]bool, height+1)
	var vals []float64
	for row := 0; row <= height; row++ {
		if row%every != 0 && row != 0 {
			continue
		}
		labelled[row] = true
		v := hi - float64(row)/float64(height)*(hi-lo)
		if logScale {
			v = math.Pow(10, v)
		}
		vals = append(vals, v)
	}
	texts := formatAxis(vals, width, logScale)
	out := make([]string, height+1)
	k := 0
	for row := range out {
		if !labelled[row] {
			continue
		}
		out[row] = texts[k]
		k++
	}
	return out
}

// formatAxis writes an axis' values in one style: plain with a common
// number of decimals when every value is in [10⁻³, 10⁵) (and, on a log
// axis, within two decades), else the e3 style
// with a common number of mantissa digits; the fewest digits that still
// tell neighbours apart — on a linear axis, that write each row's value
// exactly; on a log axis in plain notation, that keep two significant
// digits on the smallest value — within width cells.
func formatAxis(vals []float64, width int, logScale bool) []string {
	plain := true
	small, large := math.Inf(1), 0.0
	for _, v := range vals {
		a := math.Abs(v)
		if a == 0 {
			continue
		}
		plain = plain && a >= 1e-3 && a < 1e5
		small, large = math.Min(small, a), math.Max(large, a)
	}
	if logScale && large > 100*small {
		plain = false // over decades, the exponents read better
	}
	if plain {
		least := 0
		if logScale && isFinite(small) && small < 10 {
			least = max(0, 1-int(math.Floor(math.Log10(small))))
		}
		for d := least; d <= 6; d++ {
			out := make([]string, len(vals))
			for i, v := range vals {
				out[i] = trimNegZero(strconv.FormatFloat(v, 'f', d, 64))
			}
			if distinct(out) && fits(out, width) && (logScale || exact(out, vals)) {
				return out
			}
		}
		// wider than width: fall back to the e3 style
	}
	var out []string
	for d := 0; d <= 2; d++ {
		cand := make([]string, len(vals))
		for i, v := range vals {
			cand[i] = "0"
			if v != 0 {
				cand[i] = shortExp(strconv.FormatFloat(v, 'e', d, 64))
			}
		}
		if !fits(cand, width) {
			break
		}
		out = cand
		if distinct(cand) {
			break
		}
	}
	if out == nil {
		out = make([]string, len(vals))
		for i, v := range vals {
			out[i] = shortExp(strconv.FormatFloat(v, 'e', 0, 64))
		}
	}
	return out
}

// trimNegZero turns "-0.00" into "0.00".
func trimNegZero(s string) string {
	if strings.HasPrefix(s, "-") && strings.Trim(s[1:], "0.") == "" {
		return s[1:]
	}
	return s
}

// exact reports whether every label reads back as its value: the rows of
// a linear axis are round, so their labels can be exact.
func exact(s []string, vals []float64) bool {
	for i, v := range vals {
		got, err := strconv.ParseFloat(s[i], 64)
		if err != nil || math.Abs(got-v) > 1e-9*math.Max(1, math.Abs(v)) {
			return false
		}
	}
	return true
}

func distinct(s []string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			return false
		}
	}
	return true
}

func fits(s []string, width int) bool {
	for _, v := range s {
		if len(v) > width {
			return false
		}
	}
	return true
}
