package problem

import (
	"strconv"
)

// numberStatus is what parseNumber found.
type numberStatus uint8

const (
	numberOK   numberStatus = iota
	numberMore              // b ends before the number is known to end
	numberBad               // not a number, malformed, or out of range
)

// parseNumber reads the JSON number -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
// at b[i:] and returns its value and end. A number is complete only when a
// byte after it is present, since a digit could follow.
//
// The value is strconv.ParseFloat's, bit for bit. The digits are gathered
// as they are scanned, and decimalToFloat converts the numbers that one
// exact float64 operation settles, without ParseFloat's second reading of
// the text through its general syntax (signs, underscores, hexadecimal,
// infinities); the others go to ParseFloat with their text.
func parseNumber(b []byte, i int) (float64, int, numberStatus) {
	start := i
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	// mant gathers every digit; it is exact while there are at most 19
	// after the leading zeros, which add nothing to it.
	var mant uint64
	intStart := i
	switch {
	case i == len(b):
		return 0, i, numberMore
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		for ; i < len(b); i++ {
			c := b[i] - '0'
			if c > 9 {
				break
			}
			mant = mant*10 + uint64(c)
		}
	default:
		return 0, i, numberBad
	}
	intEnd, fracStart, fracEnd := i, i, i
	if i < len(b) && b[i] == '.' {
		i++
		fracStart = i
		for ; i < len(b); i++ {
			c := b[i] - '0'
			if c > 9 {
				break
			}
			mant = mant*10 + uint64(c)
		}
		if i == fracStart {
			return 0, i, moreOrBad(b, i)
		}
		fracEnd = i
	}
	exp10 := fracStart - fracEnd // the value is ±mant·10^exp10
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		sign := 1
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			if b[i] == '-' {
				sign = -1
			}
			i++
		}
		first, e := i, 0
		for ; i < len(b); i++ {
			c := b[i] - '0'
			if c > 9 {
				break
			}
			if e < 10000 {
				e = e*10 + int(c)
			}
		}
		if i == first {
			return 0, i, moreOrBad(b, i)
		}
		exp10 += sign * e
	}
	if i == len(b) {
		return 0, i, numberMore
	}
	if significantDigits(b[intStart:intEnd], b[fracStart:fracEnd]) <= 19 {
		if v, ok := decimalToFloat(mant, exp10, neg); ok {
			return v, i, numberOK
		}
	}
	// string(…) does not allocate here: ParseFloat keeps no reference to
	// its argument, and numbers of up to 32 bytes are converted in a
	// buffer on the stack.
	v, err := strconv.ParseFloat(string(b[start:i]), 64)
	if err != nil {
		return 0, i, numberBad
	}
	return v, i, numberOK
}

// significantDigits counts the digits of a number's integer and fraction
// parts after its leading zeros.
func significantDigits(integer, fraction []byte) int {
	n := len(integer) + len(fraction)
	if n <= 19 || integer[0] != '0' {
		return n
	}
	n--
	for _, c := range fraction {
		if c != '0' {
			break
		}
		n--
	}
	return n
}

// moreOrBad is the status of a number missing a digit at b[i].
func moreOrBad(b []byte, i int) numberStatus {
	if i == len(b) {
		return numberMore
	}
	return numberBad
}

// decimalToFloat returns ±mant·10^exp10 when float64 arithmetic gives it
// correctly rounded: both factors exact float64s (mant ≤ 2⁵³, |exp10| ≤
// 22), where one IEEE multiplication or division rounds once, as
// strconv.ParseFloat's own first path does. ok is false otherwise, and the
// caller hands the number's text to ParseFloat, which owns the general
// algorithms (about half the numbers of a written file take this path).
func decimalToFloat(mant uint64, exp10 int, neg bool) (v float64, ok bool) {
	if mant > 1<<53 {
		return 0, false
	}
	switch {
	case mant == 0:
		ok = true
	case 0 <= exp10 && exp10 <= 22:
		v, ok = float64(mant)*exactPow10[exp10], true
	case -22 <= exp10 && exp10 < 0:
		v, ok = float64(mant)/exactPow10[-exp10], true
	}
	if ok && neg {
		v = -v
	}
	return v, ok
}

// exactPow10 are the powers of ten that float64 holds exactly.
var exactPow10 = [...]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}
