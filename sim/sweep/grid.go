package sweep

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"sgdbias/sim"
	"sgdbias/sim/param"
)

// Param names a parameter that a sweep can vary.
type Param string

// The sweepable parameters, in the order the grid nests them (α outermost,
// the batch size innermost).
const (
	Alpha Param = "alpha"
	Step  Param = "step"
	Noise Param = "noise"
	Batch Param = "batch"
)

// Params lists the sweepable parameters in grid order.
var Params = []Param{Alpha, Step, Noise, Batch}

// Label is the parameter's name for axes and table headers.
func (p Param) Label() string {
	switch p {
	case Alpha:
		return "α"
	case Step:
		return "γ"
	case Noise:
		return "noise"
	case Batch:
		return "batch"
	}
	return string(p)
}

// Describe is the parameter's name with its meaning, for figure axes.
func (p Param) Describe() string {
	switch p {
	case Alpha:
		return "initialisation scale α (w±(0) = α)"
	case Step:
		return "step size γ"
	case Noise:
		return "SGF noise scale"
	case Batch:
		return "SGD batch size b"
	}
	return string(p)
}

// Scale says how an axis's values were laid out.
type Scale string

// Log and Lin axes come from log:LO:HI:K and lin:LO:HI:K; List from a comma
// list or a single value.
const (
	Log  Scale = "log"
	Lin  Scale = "lin"
	List Scale = "list"
)

// Limits of a grid: points per axis, and jobs per sweep (see Config.Validate).
const (
	MaxAxisPoints = 1000
	MaxJobs       = 1_000_000
)

// Axis is the list of values one parameter takes, sorted increasingly, without
// duplicates. A single value is a fixed parameter.
type Axis struct {
	Param Param `json:"param"`
	// Spec is the text the axis was parsed from, kept for display only: it is
	// not part of the sweep's fingerprint, the values are.
	Spec   string    `json:"spec"`
	Scale  Scale     `json:"scale"`
	Values []float64 `json:"values"`
}

// Fixed returns a one-value axis.
func Fixed(p Param, v float64) Axis {
	return Axis{Param: p, Spec: strconv.FormatFloat(v, 'g', -1, 64), Scale: List, Values: []float64{v}}
}

// Swept reports whether the axis has more than one value.
func (a Axis) Swept() bool { return len(a.Values) > 1 }

// LogSpaced reports whether the axis is best drawn on a logarithmic scale:
// it came from log:…, or it is a list of positive values spanning at least
// a factor of 20.
func (a Axis) LogSpaced() bool {
	switch a.Scale {
	case Log:
		return true
	case Lin:
		return false
	}
	if len(a.Values) < 2 || a.Values[0] <= 0 {
		return false
	}
	return a.Values[len(a.Values)-1]/a.Values[0] >= 20
}

// ParseGrid parses the values of parameter p: a comma list ("0.01,0.1,1"),
// log:LO:HI:K (K log-spaced values from LO to HI, both included), or
// lin:LO:HI:K (K equally spaced values). Values are checked against the
// parameter's range (see Range), sorted, and must not repeat. Batch sizes
// must be integers; log and lin batch grids are rounded to integers.
func ParseGrid(p Param, s string) (Axis, error) {
	s = strings.TrimSpace(s)
	ax := Axis{Param: p, Spec: s, Scale: List}
	lo, hi, _ := Range(p)
	if s == "" {
		return ax, gridErr(p, "no value given; want a number, a comma list, log:LO:HI:K or lin:LO:HI:K")
	}
	kind, rest, _ := strings.Cut(s, ":")
	switch strings.ToLower(kind) {
	case "log", "lin":
		ax.Scale = Scale(strings.ToLower(kind))
		vals, err := parseRange(p, ax.Scale, rest)
		if err != nil {
			return ax, err
		}
		ax.Values = vals
	default:
		if strings.Contains(s, ":") {
			return ax, gridErr(p, "%q is not a grid; want a number, a comma list, log:LO:HI:K or lin:LO:HI:K", s)
		}
		for _, f := range strings.Split(s, ",") {
			v, err := parseNumber(p, f)
			if err != nil {
				return ax, err
			}
			ax.Values = append(ax.Values, v)
		}
		if len(ax.Values) > MaxAxisPoints {
			return ax, gridErr(p, "%d values given; at most %d per parameter", len(ax.Values), MaxAxisPoints)
		}
	}
	for _, v := range ax.Values {
		if !(v >= lo && v <= hi) {
			return ax, gridErr(p, "%v is out of range; allowed %s", v, RangeText(p))
		}
		if p == Batch && v != math.Trunc(v) {
			return ax, gridErr(p, "%v is not an integer; batch sizes are whole numbers", v)
		}
	}
	slices.Sort(ax.Values)
	for i := 1; i < len(ax.Values); i++ {
		if ax.Values[i] == ax.Values[i-1] {
			if ax.Scale != List {
				return ax, gridErr(p, "%q gives the batch size %v twice after rounding to integers; use fewer points", s, ax.Values[i])
			}
			return ax, gridErr(p, "the value %v appears twice", ax.Values[i])
		}
	}
	return ax, nil
}

// parseRange parses LO:HI:K of a log or lin grid.
func parseRange(p Param, scale Scale, rest string) ([]float64, error) {
	parts := strings.Split(rest, ":")
	if len(parts) != 3 {
		return nil, gridErr(p, "%s:%s is not a grid; want %s:LO:HI:K, e.g. %s", scale, rest, scale, example(p, scale))
	}
	lo, err := parseNumber(p, parts[0])
	if err != nil {
		return nil, err
	}
	hi, err := parseNumber(p, parts[1])
	if err != nil {
		return nil, err
	}
	k, err := strconv.Atoi(strings.TrimSpace(parts[2]))
	if err != nil || k < 2 || k > MaxAxisPoints {
		return nil, gridErr(p, "the point count %q of %s:%s is not allowed; want an integer 2 ≤ K ≤ %d", parts[2], scale, rest, MaxAxisPoints)
	}
	if !(lo < hi) {
		return nil, gridErr(p, "%s:%s: want LO < HI", scale, rest)
	}
	if scale == Log && !(lo > 0) {
		return nil, gridErr(p, "%s:%s: a log grid needs LO > 0", scale, rest)
	}
	vals := make([]float64, k)
	for i := range vals {
		t := float64(i) / float64(k-1)
		if scale == Log {
			vals[i] = logPoint(lo, hi, t)
		} else {
			vals[i] = lo + t*(hi-lo)
		}
	}
	vals[0], vals[k-1] = lo, hi // exact ends despite rounding
	if p == Batch {
		for i, v := range vals {
			vals[i] = math.Round(v)
		}
	}
	return vals, nil
}

// logPoint is lo·(hi/lo)^t computed in decimal exponents, so that points on
// a whole decade come out exact (log:1e-3:1:13 gives 0.01, not 0.010000000000000002).
func logPoint(lo, hi, t float64) float64 {
	a, b := math.Log10(lo), math.Log10(hi)
	e := a + t*(b-a)
	if r := math.Round(e); math.Abs(e-r) < 1e-9 && math.Abs(r) < 300 {
		return math.Pow10(int(r))
	}
	return math.Pow(10, e)
}

func parseNumber(p Param, s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, gridErr(p, "empty value in the list; want numbers separated by commas")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, gridErr(p, "%q is not a finite number", s)
	}
	if param.Underflows(s, v) {
		return 0, gridErr(p, "%q %s", s, param.UnderflowReason)
	}
	return v, nil
}

// Range returns the values parameter p may take, lo ≤ v ≤ hi (a batch size
// must also be at most n, checked against the problem in Config.Validate).
func Range(p Param) (lo, hi float64, ok bool) {
	switch p {
	case Alpha:
		return sim.MinAlpha, sim.MaxAlpha, true
	case Step:
		return math.SmallestNonzeroFloat64, 100, true
	case Noise:
		return 0, 100, true
	case Batch:
		return 1, 1e6, true
	}
	return 0, 0, false
}

// RangeText says in words what Range allows.
func RangeText(p Param) string {
	switch p {
	case Alpha:
		return fmt.Sprintf("%g ≤ α ≤ %g", sim.MinAlpha, sim.MaxAlpha)
	case Step:
		return "0 < γ ≤ 100"
	case Noise:
		return "0 ≤ noise ≤ 100"
	case Batch:
		return "integers 1 ≤ b ≤ n"
	}
	return ""
}

func example(p Param, scale Scale) string {
	switch {
	case p == Batch && scale == Log:
		return "log:1:32:6"
	case p == Batch:
		return "lin:1:10:10"
	case scale == Log:
		return "log:1e-3:1:13"
	}
	return "lin:0.01:0.1:10"
}

// gridErr is a parameter error of a grid, in words of its own.
func gridErr(p Param, format string, args ...any) error {
	return &param.Error{Param: param.Name(p), Reason: fmt.Sprintf(format, args...)}
}
