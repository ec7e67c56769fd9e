package ui

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"sgdbias/sim"
)

// Number formats of the explorer: every number on screen goes through
// these, so that one kind of value always reads the same way.

// shortExp turns "1e-05" into "1e-5" and "2e+03" into "2e3".
func shortExp(s string) string {
	i := strings.IndexByte(s, 'e')
	if i < 0 {
		return s
	}
	mant, exp := s[:i], s[i+1:]
	sign := ""
	if exp[0] == '-' || exp[0] == '+' {
		if exp[0] == '-' {
			sign = "-"
		}
		exp = exp[1:]
	}
	exp = strings.TrimLeft(exp, "0")
	if exp == "" {
		exp = "0"
	}
	return mant + "e" + sign + exp
}

// formatValue is a value in a title or status line.
func formatValue(v float64) string {
	if !isFinite(v) {
		return "—"
	}
	a := math.Abs(v)
	if a != 0 && (a < 1e-3 || a >= 1e5) {
		return shortExp(strconv.FormatFloat(v, 'e', 2, 64))
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// shortValue is a value in three significant digits.
func shortValue(v float64) string {
	if !isFinite(v) {
		return "—"
	}
	a := math.Abs(v)
	switch {
	case a != 0 && (a < 1e-2 || a >= 1e4):
		return shortExp(strconv.FormatFloat(v, 'e', 2, 64))
	case a >= 1e3:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// formatTimes writes the time axis' tick labels in one style: on a linear
// axis three significant digits of the largest with the same decimals for
// all (0, 8.3, 16.0; 0, 3056, 5910), in the e3 notation from 10⁵ on or
// below 10⁻³; on a log axis two significant digits each, in e3 notation
// outside [10⁻², 10³).
func formatTimes(ts []float64, logTime bool) []string {
	out := make([]string, len(ts))
	big := 0.0
	for _, t := range ts {
		big = math.Max(big, math.Abs(t))
	}
	for i, t := range ts {
		a := math.Abs(t)
		switch {
		case t == 0:
			out[i] = "0"
		case logTime && (a >= 1e3 || a < 1e-2):
			out[i] = shortExp(strconv.FormatFloat(t, 'e', 1, 64))
		case logTime && a >= 100:
			// 'g' would write 598 as "6e+02": two digits, then zeros.
			r := math.Round(t / 10)
			out[i] = strconv.FormatFloat(r*10, 'f', 0, 64)
		case logTime:
			out[i] = strconv.FormatFloat(t, 'g', 2, 64)
		case big >= 1e5 || big < 1e-3:
			out[i] = shortExp(strconv.FormatFloat(t, 'e', 2, 64))
		default:
			decimals := max(0, 2-int(math.Floor(math.Log10(big))))
			out[i] = strconv.FormatFloat(t, 'f', decimals, 64)
		}
	}
	return out
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// algoLabel is the display name of an algorithm: "GD", or for a variant
// its pins in the panel's symbols, "GD γ=0.0175".
func algoLabel(a sim.Algo) string {
	label := strings.ToUpper(string(a.Base()))
	for _, pin := range a.Pins() {
		label += " " + pinSymbol(pin.Key) + "=" + strconv.FormatFloat(pin.Value, 'g', 4, 64)
	}
	return label
}

// pinSymbol is the panel's symbol of a pinned parameter.
func pinSymbol(key string) string {
	switch key {
	case "step":
		return "γ"
	case "batch":
		return "b"
	case "momentum":
		return "μ"
	case "label-noise":
		return "δ"
	}
	return key
}

func speedText(v float64) string {
	if math.IsInf(v, 1) || v <= 0 {
		return "max"
	}
	return formatRate(v) + "/s"
}

func formatRate(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', 1, 64) + "M"
	case v >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', 0, 64) + "k"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func formatClock(t float64) string {
	switch a := math.Abs(t); {
	case a == 0:
		return "0"
	case a >= 1e6:
		return shortExp(strconv.FormatFloat(t, 'e', 3, 64))
	case a >= 100:
		return strconv.FormatFloat(t, 'f', 1, 64)
	}
	return strconv.FormatFloat(t, 'f', 3, 64)
}

// groupDigits writes 1234567 as 1,234,567.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// roundDown keeps two significant digits, rounding down, for a hint.
func roundDown(v float64) float64 {
	if !(v > 0) {
		return v
	}
	e := math.Pow(10, math.Floor(math.Log10(v))-1)
	return math.Floor(v/e) * e
}

// signed formats a coordinate in at most stripCell−1 characters.
func signed(v float64) string {
	switch a := abs(v); {
	case a < 5e-3:
		return "0"
	case a < 9.995:
		return fmt.Sprintf("%+.2f", v)
	case a < 999.5:
		return fmt.Sprintf("%+.0f", v)
	}
	return shortExp(fmt.Sprintf("%+.0e", v))
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func formatParam(v float64) string { return shortExp(strconv.FormatFloat(v, 'g', 4, 64)) }

// sigValue writes a value with three significant digits, trailing zeros
// kept so that a column reads evenly: 0.100, 0.0992, 6.88, 1234; below
// 0.01 and from 10⁴ on in the explorer's one exponent style, 3.03e-21.
func sigValue(v float64) string {
	if !isFinite(v) {
		return "—"
	}
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a < 1e-2 || a >= 1e4:
		return shortExp(strconv.FormatFloat(v, 'e', 2, 64))
	}
	e := int(math.Floor(math.Log10(a)))
	s := strconv.FormatFloat(v, 'f', max(0, 2-e), 64)
	if r, _ := strconv.ParseFloat(s, 64); math.Abs(r) >= math.Pow(10, float64(e+1)) {
		// rounded up to the next power of ten: 0.09999 → 0.100, not 0.1000
		if e+1 >= 4 {
			return shortExp(strconv.FormatFloat(v, 'e', 2, 64))
		}
		s = strconv.FormatFloat(v, 'f', max(0, 2-(e+1)), 64)
	}
	return s
}
