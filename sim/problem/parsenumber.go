package problem

import (
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"sync"
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
// as they are scanned and converted by decimalToFloat, which ParseFloat
// would run after reading them a second time, slowly, through its general
// syntax (signs, underscores, hexadecimal, infinities): that reading was
// as costly as all the rest of loading. Numbers it does not settle (more
// than 19 significant digits, the rare ties, values out of range) go to
// ParseFloat with their text.
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

// decimalToFloat returns ±mant·10^exp10 correctly rounded, as ParseFloat
// does first for a mantissa of at most 19 digits: exactly in float64
// arithmetic when both factors are exact float64s, else by the
// Eisel–Lemire algorithm. ok is false when neither settles the value, and
// for values that overflow or are subnormal.
func decimalToFloat(mant uint64, exp10 int, neg bool) (v float64, ok bool) {
	if mant <= 1<<53 {
		switch {
		case mant == 0:
			ok = true
		case 0 <= exp10 && exp10 <= 22:
			v, ok = float64(mant)*exactPow10[exp10], true
		case -22 <= exp10 && exp10 < 0:
			v, ok = float64(mant)/exactPow10[-exp10], true
		}
		if ok {
			if neg {
				v = -v
			}
			return v, true
		}
	}
	return eiselLemire64(mant, exp10, neg)
}

// exactPow10 are the powers of ten that float64 holds exactly. One IEEE
// multiplication or division of exact operands is correctly rounded.
var exactPow10 = [...]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}

// eiselLemire64 is strconv's Eisel–Lemire conversion of mant·10^exp10
// (mant ≠ 0), line for line (Go's internal/strconv/atofeisel.go; the terse
// comments name the sections of
// https://nigeltao.github.io/blog/2020/eisel-lemire.html). ok is false
// when the 128-bit product cannot tell how to round, or the result is out
// of the normal float64 range.
func eiselLemire64(mant uint64, exp10 int, neg bool) (float64, bool) {
	// Exp10 Range.
	if exp10 < pow10Min || exp10 > pow10Max {
		return 0, false
	}
	pow := pow10Mantissas()[exp10-pow10Min]
	exp2 := 1 + (exp10*108853)>>15 // 1 + ⌊exp10·log₂10⌋ for |exp10| ≤ 500

	// Normalization.
	clz := bits.LeadingZeros64(mant)
	mant <<= uint(clz)
	retExp2 := uint64(exp2+63+1023) - uint64(clz)

	// Multiplication.
	xHi, xLo := bits.Mul64(mant, pow[0])

	// Wider Approximation.
	if xHi&0x1FF == 0x1FF && xLo+mant < mant {
		yHi, yLo := bits.Mul64(mant, pow[1])
		mergedHi, mergedLo := xHi, xLo+yHi
		if mergedLo < xLo {
			mergedHi++
		}
		if mergedHi&0x1FF == 0x1FF && mergedLo+1 == 0 && yLo+mant < mant {
			return 0, false
		}
		xHi, xLo = mergedHi, mergedLo
	}

	// Shifting to 54 Bits.
	msb := xHi >> 63
	retMantissa := xHi >> (msb + 9)
	retExp2 -= 1 ^ msb

	// Half-way Ambiguity.
	if xLo == 0 && xHi&0x1FF == 0 && retMantissa&3 == 1 {
		return 0, false
	}

	// From 54 to 53 Bits.
	retMantissa += retMantissa & 1
	retMantissa >>= 1
	if retMantissa>>53 > 0 {
		retMantissa >>= 1
		retExp2++
	}
	// Subnormal (retExp2 ≤ 0, wrapped around) or Inf/NaN (≥ 0x7FF).
	if retExp2-1 >= 0x7FF-1 {
		return 0, false
	}
	retBits := retExp2<<52 | retMantissa&(1<<52-1)
	if neg {
		retBits |= 1 << 63
	}
	return math.Float64frombits(retBits), true
}

// pow10Min and pow10Max bound the powers of ten of the table.
const (
	pow10Min = -348
	pow10Max = 347
)

var (
	pow10Once  sync.Once
	pow10Table [pow10Max - pow10Min + 1][2]uint64
)

// pow10Mantissas is strconv's table of powers of ten for Eisel–Lemire:
// for each e, ⌊10^e·2^k⌋ for the k that puts it in [2¹²⁷, 2¹²⁸), high 64
// bits first. It is computed with math/big on first use (about a
// millisecond) rather than spelled out in 700 lines.
func pow10Mantissas() *[pow10Max - pow10Min + 1][2]uint64 {
	pow10Once.Do(func() {
		mask := new(big.Int).SetUint64(math.MaxUint64)
		set := func(e int, m *big.Int) {
			pow10Table[e-pow10Min] = [2]uint64{new(big.Int).Rsh(m, 64).Uint64(), new(big.Int).And(m, mask).Uint64()}
		}
		p := big.NewInt(1) // 10^e
		for e := 0; e <= -pow10Min; e++ {
			n := p.BitLen() // 2^(n-1) ≤ 10^e < 2^n
			if e <= pow10Max {
				m := new(big.Int)
				if n > 128 {
					m.Rsh(p, uint(n-128))
				} else {
					m.Lsh(p, uint(128-n))
				}
				set(e, m)
			}
			if e > 0 {
				// 2^(127+n)/10^e lies in (2¹²⁷, 2¹²⁸): 10^e is not a
				// power of two.
				m := new(big.Int).Lsh(big.NewInt(1), uint(127+n))
				set(-e, m.Quo(m, p))
			}
			p.Mul(p, big.NewInt(10))
		}
	})
	return &pow10Table
}
