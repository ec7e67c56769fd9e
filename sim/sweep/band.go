package sweep

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"sgdbias/sim"
	"sgdbias/sim/param"
)

// Band is how a figure shows the spread of the runs at one point: a centre
// and the two ends of an error bar.
type Band string

// The bands.
const (
	BandSD  Band = "sd"  // mean ± sd (n−1)
	BandSEM Band = "sem" // mean ± sd/√n
	BandIQR Band = "iqr" // median, from the first to the third quartile
	BandGeo Band = "geo" // geometric mean ×/÷ geometric sd (positive values)
)

// Bands lists the bands.
var Bands = []Band{BandSD, BandSEM, BandIQR, BandGeo}

// ParseBand parses a band name.
func ParseBand(s string) (Band, error) {
	for _, b := range Bands {
		if string(b) == strings.TrimSpace(s) {
			return b, nil
		}
	}
	return "", param.Errorf(param.Band, strconv.Quote(s), "", "sd, sem, iqr or geo")
}

// Centre names the bar's centre, Bar its ends, briefly, for a figure.
func (b Band) Centre() string {
	switch b {
	case BandIQR:
		return "median"
	case BandGeo:
		return "geometric mean"
	}
	return "mean"
}

// Bar names the ends of the bar, briefly.
func (b Band) Bar() string {
	switch b {
	case BandSD:
		return "± sd"
	case BandSEM:
		return "± standard error"
	case BandIQR:
		return "quartiles"
	case BandGeo:
		return "×/÷ geometric sd"
	}
	return string(b)
}

// Describe says what the centre and the bar are.
func (b Band) Describe() string {
	switch b {
	case BandSD:
		return "mean ± sd"
	case BandSEM:
		return "mean ± standard error"
	case BandIQR:
		return "median, quartiles"
	case BandGeo:
		return "geometric mean ×/÷ geometric sd"
	}
	return string(b)
}

// Of summarises values (non-finite ones left out) as a centre and the ends
// of its bar; ok is false when there is no value, or for BandGeo when a
// value is ≤ 0 (a geometric mean needs positive values).
//
// Quartiles interpolate linearly between order statistics: the p-quantile
// of x₍₁₎ ≤ … ≤ x₍ₙ₎ is x₍ₖ₎ + f·(x₍ₖ₊₁₎ − x₍ₖ₎) with k + f = 1 + (n−1)p (the
// usual default of R and NumPy). The geometric sd is exp of the sd (n−1) of
// the logs; the bar runs from centre/gsd to centre·gsd.
func (b Band) Of(values []float64) (centre, lo, hi float64, ok bool) {
	vals := make([]float64, 0, len(values))
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			vals = append(vals, v)
		}
	}
	n := len(vals)
	if n == 0 {
		return 0, 0, 0, false
	}
	sd := func(x []float64) float64 {
		if len(x) < 2 {
			return 0
		}
		return stat.StdDev(x, nil)
	}
	switch b {
	case BandSD, BandSEM:
		m, s := stat.Mean(vals, nil), sd(vals)
		if b == BandSEM {
			s /= math.Sqrt(float64(n))
		}
		centre, lo, hi = m, m-s, m+s
	case BandIQR:
		slices.Sort(vals)
		centre, lo, hi = quantile(vals, 0.5), quantile(vals, 0.25), quantile(vals, 0.75)
	case BandGeo:
		logs := make([]float64, n)
		for i, v := range vals {
			if v <= 0 {
				return 0, 0, 0, false
			}
			logs[i] = math.Log(v)
		}
		g, gs := math.Exp(stat.Mean(logs, nil)), math.Exp(sd(logs))
		centre, lo, hi = g, g/gs, g*gs
	default:
		return 0, 0, 0, false
	}
	if math.IsNaN(centre+lo+hi) || math.IsInf(centre+lo+hi, 0) {
		return 0, 0, 0, false
	}
	return centre, lo, hi, true
}

// quantile is the p-quantile of sorted values by linear interpolation
// between order statistics (R's type 7).
func quantile(sorted []float64, p float64) float64 {
	h := float64(len(sorted)-1) * p
	k := int(math.Floor(h))
	if k+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[k] + (h-float64(k))*(sorted[k+1]-sorted[k])
}

// Values returns the values of metric m of the runs of algo at a grid
// point that have one (diverged and failed runs have none), in repetition
// order.
func (r *Result) Values(point int, algo sim.Algo, m Metric) []float64 {
	var out []float64
	for rep := range r.Config.Reps {
		job := r.Config.JobIndex(point, algo, rep)
		if job < 0 {
			return nil
		}
		i := sort.Search(len(r.Records), func(i int) bool { return r.Records[i].Job >= job })
		if i < len(r.Records) && r.Records[i].Job == job {
			if v, ok := r.Records[i].Value(m); ok {
				out = append(out, v)
			}
		}
	}
	return out
}
