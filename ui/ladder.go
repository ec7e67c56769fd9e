package ui

import (
	"math"
	"strconv"
)

// The ←/→ ladders of the parameter panel.

// ladderFromZero is ladder for a parameter that may be 0 (a noise scale):
// up from 0 it goes to start, down from lo or below to 0.
func ladderFromZero(v float64, dir int, start, lo, hi float64) float64 {
	switch {
	case v == 0 && dir > 0:
		return start
	case v <= lo && dir < 0:
		return 0
	}
	return ladder(v, dir, lo, hi)
}

// ladder returns the next value of the 1-2-5 ladder above (dir > 0) or
// below v, clamped to [lo, hi].
func ladder(v float64, dir int, lo, hi float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return lo
	}
	e := math.Floor(math.Log10(v))
	var best float64
	if dir > 0 {
		best = math.Inf(1)
	} else {
		best = math.Inf(-1)
	}
	for k := e - 1; k <= e+1; k++ {
		for _, m := range []float64{1, 2, 5} {
			c := m * math.Pow(10, k)
			c, _ = strconv.ParseFloat(strconv.FormatFloat(c, 'g', 6, 64), 64) // 0.30000000000000004 → 0.3
			if dir > 0 && c > v*(1+1e-9) && c < best {
				best = c
			}
			if dir < 0 && c < v*(1-1e-9) && c > best {
				best = c
			}
		}
	}
	return math.Min(math.Max(best, lo), hi)
}
