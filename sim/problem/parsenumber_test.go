package problem

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// checkNumber compares parseNumber on text (followed by a comma, which ends
// a number) with strconv.ParseFloat on text: the same bits, and a failure
// exactly where ParseFloat reports a range error.
func checkNumber(t *testing.T, text string) {
	t.Helper()
	want, err := strconv.ParseFloat(text, 64)
	got, end, status := parseNumber([]byte(text+","), 0)
	switch {
	case err != nil && status != numberBad:
		t.Fatalf("%q: ParseFloat fails (%v), parseNumber gives %v (status %d)", text, err, got, status)
	case err != nil:
	case status != numberOK || end != len(text):
		t.Fatalf("%q: status %d, end %d; want a number of %d bytes", text, status, end, len(text))
	case math.Float64bits(got) != math.Float64bits(want):
		t.Fatalf("%q: got %v (%#x), ParseFloat %v (%#x)", text, got, math.Float64bits(got), want, math.Float64bits(want))
	}
}

// The numbers where a conversion goes wrong if it does: signed zeros, the
// limits of exact float64 arithmetic (2⁵³, 10²²), ties between two
// float64s, the ends of the normal and subnormal ranges, overflow, long
// mantissas, leading zeros.
func TestParseNumberEdgeCases(t *testing.T) {
	for _, text := range []string{
		"0", "-0", "0.0", "-0.0e5", "0e999999", "-0e-999999", "0.000", "1", "-1", "10", "1.5", "-2.5e-3",
		"9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995",
		"18014398509481985", "1e22", "1e23", "-1e23", "1e-22", "1e-23", "123456789e22", "4503599627370497.5",
		"0.1", "0.2", "0.30000000000000004", "0.3", "2.2250738585072014e-308", "2.2250738585072011e-308",
		"2.225073858507201e-308", "4.9406564584124654e-324", "5e-324", "2.4703282292062327e-324",
		"2.4703282292062328e-324", "1e-400", "1.7976931348623157e308", "1.7976931348623158e308",
		"1.7976931348623159e308", "1e309", "-1e999", "1e99999999999", "1E5", "1e+5", "1e-5", "1e05",
		"12345678901234567890", "1234567890123456789", "123456789012345678901234567890e-20",
		"0.00000000000000000000012345678901234567", "0.000000000000000000001", "100000000000000000000000",
		"7.2057594037927933e16", "3.0517578125e-05", "8.98846567431158e307", "1.448997445238699",
		"9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
		"0.9999999999999999999", "0.99999999999999999999", "1" + strings.Repeat("0", 400) + "e-400",
		"0." + strings.Repeat("0", 330) + "1e330",
	} {
		checkNumber(t, text)
	}
}

// Random float64s in every form Write or another program might print them,
// and random digit strings with random exponents, convert as ParseFloat
// converts them.
func TestParseNumberMatchesParseFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 100_000 {
		v := math.Float64frombits(rng.Uint64())
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		for _, text := range []string{
			strconv.FormatFloat(v, 'g', -1, 64),
			strconv.FormatFloat(v, 'e', 16, 64),
			strconv.FormatFloat(v, 'e', rng.IntN(20), 64),
			strconv.FormatFloat(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(40)-20)), 'g', -1, 64),
			strconv.FormatFloat(rng.NormFloat64(), 'f', rng.IntN(25), 64),
		} {
			checkNumber(t, text)
		}
		var b strings.Builder
		if rng.IntN(2) == 0 {
			b.WriteByte('-')
		}
		whole := 1 + rng.IntN(22)
		for k := range whole {
			b.WriteByte(byte('0' + rng.IntN(10)))
			if k == 0 && b.String()[b.Len()-1] == '0' {
				break // JSON allows no leading zero
			}
		}
		if rng.IntN(2) == 0 {
			b.WriteByte('.')
			for range 1 + rng.IntN(22) {
				b.WriteByte(byte('0' + rng.IntN(10)))
			}
		}
		if rng.IntN(2) == 0 {
			b.WriteString("e" + strconv.Itoa(rng.IntN(700)-350))
		}
		checkNumber(t, b.String())
	}
}

// Malformed numbers and numbers cut by the end of what was read are told
// apart: the scanner reads more for the second, and gives the first to the
// Decoder.
func TestParseNumberStatus(t *testing.T) {
	for _, c := range []struct {
		text   string
		status numberStatus
	}{
		{"1", numberMore}, {"-", numberMore}, {"1.", numberMore}, {"1e", numberMore}, {"1e+", numberMore},
		{"12.5e3", numberMore}, {"", numberMore},
		{"-x", numberBad}, {"1.x", numberBad}, {"1ex", numberBad}, {"1e+]", numberBad}, {".5,", numberBad},
		{"+1,", numberBad}, {"x", numberBad}, {"1e999,", numberBad},
		{"01,", numberOK}, {"1.5.3,", numberOK}, {"1x", numberOK}, {"-0]", numberOK},
	} {
		if _, _, status := parseNumber([]byte(c.text), 0); status != c.status {
			t.Errorf("%q: status %d, want %d", c.text, status, c.status)
		}
	}
}

// FuzzParseNumber: whatever bytes parseNumber takes for a number convert
// as ParseFloat converts that text.
func FuzzParseNumber(f *testing.F) {
	for _, seed := range []string{"0,", "-0.0e5]", "9007199254740993 ", "1e23,", "2.2250738585072011e-308,", "1.5.3,", "1e999,"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, end, status := parseNumber(data, 0)
		if status == numberMore {
			return
		}
		want, err := strconv.ParseFloat(string(data[:end]), 64)
		switch {
		case status == numberOK && (err != nil || math.Float64bits(got) != math.Float64bits(want)):
			t.Fatalf("%q: got %v, ParseFloat %v, %v", data[:end], got, want, err)
		case status == numberOK && end == len(data):
			t.Fatalf("%q: a number ended at the end of the input", data)
		}
	})
}
