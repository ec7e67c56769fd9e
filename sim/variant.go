package sim

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"sgdbias/sim/param"
)

// A variant is an algorithm with some parameters pinned, written
// ALGO:key=value[:key=value…], e.g. "gd:step=0.0175" or "sgf:noise=0.1", so
// that one experiment can run the same algorithm at two settings side by
// side. A pinned parameter keeps its value whatever the live parameters are
// set to; the others follow them.

// Pin is one pinned parameter of a variant.
type Pin struct {
	Key   string // step, noise, batch, momentum or label-noise
	Value float64
}

// pinKeys are the parameters a variant may pin.
var pinKeys = []string{"step", "noise", "batch", "momentum", "label-noise"}

// usedPins are the parameters each algorithm uses, the only ones its
// variants may pin: a pin it ignores would label a run that differs in
// nothing. GF integrates the flow itself and has none.
var usedPins = map[Algo][]string{
	GF:    nil,
	GD:    {"step"},
	SGF:   {"step", "noise"},
	SGD:   {"step", "batch"},
	LNSGD: {"step", "batch", "label-noise"},
	HB:    {"step", "momentum"},
}

// ReadsParam reports whether algorithm a reads the live parameter key (one
// of the pin keys): a variant that pins the key does not, since its pin
// wins over the live value.
func (a Algo) ReadsParam(key string) bool {
	if !slices.Contains(usedPins[a.Base()], key) {
		return false
	}
	return !slices.ContainsFunc(a.Pins(), func(p Pin) bool { return p.Key == key })
}

// ParamReaders are the plain algorithms that read the parameter key, in
// display order.
func ParamReaders(key string) []Algo {
	var readers []Algo
	for _, a := range AllAlgos {
		if slices.Contains(usedPins[a], key) {
			readers = append(readers, a)
		}
	}
	return readers
}

// Base is the algorithm a variant runs: "gd" for "gd:step=0.0175".
func (a Algo) Base() Algo {
	base, _, _ := strings.Cut(string(a), ":")
	return Algo(base)
}

// Pins are the parameters a variant pins, in the order written; none for a
// plain algorithm. The Algo must have been accepted by ParseAlgos.
func (a Algo) Pins() []Pin {
	pins, _ := parsePins(a)
	return pins
}

// parsePins reads and checks the pins of a variant.
func parsePins(a Algo) ([]Pin, error) {
	parts := strings.Split(string(a), ":")
	var pins []Pin
	seen := map[string]bool{}
	for _, part := range parts[1:] {
		key, text, ok := strings.Cut(part, "=")
		if !ok || !slices.Contains(pinKeys, key) {
			return nil, param.Errorf(param.Algos, strconv.Quote(string(a)), fmt.Sprintf("pins %q, not key=value", param.Clip(part)), "keys %s", strings.Join(pinKeys, ", "))
		}
		if seen[key] {
			return nil, param.Errorf(param.Algos, strconv.Quote(string(a)), "pins "+key+" twice", "each key once")
		}
		seen[key] = true
		if used := usedPins[a.Base()]; !slices.Contains(used, key) {
			return nil, param.Errorf(param.Algos, strconv.Quote(string(a)), "pins "+key+", which "+string(a.Base())+" does not use", "%s", pinList(used))
		}
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, param.Errorf(param.Algos, strconv.Quote(string(a)), fmt.Sprintf("pins %s=%q, not a number", key, param.Clip(text)), "key=NUMBER")
		}
		if key == "batch" && !(v == math.Trunc(v) && v >= 1 && v <= math.MaxInt32) {
			return nil, param.Errorf(param.Algos, strconv.Quote(string(a)), fmt.Sprintf("pins batch=%s, not a whole number ≥ 1", param.Clip(text)), "batch=INTEGER, at most n")
		}
		pins = append(pins, Pin{Key: key, Value: v})
	}
	return pins, nil
}

// pinList says what an algorithm that uses keys may pin.
func pinList(keys []string) string {
	if len(keys) == 0 {
		return "no pins (it has no parameter to pin)"
	}
	return "pins of " + strings.Join(keys, ", ")
}

// Pinned returns p with the variant's pinned parameters applied.
func (a Algo) Pinned(p Params) Params {
	for _, pin := range a.Pins() {
		switch pin.Key {
		case "step":
			p.Step = pin.Value
		case "noise":
			p.Noise = pin.Value
		case "batch":
			p.Batch = int(pin.Value)
		case "momentum":
			p.Momentum = pin.Value
		case "label-noise":
			p.LabelNoise = pin.Value
		}
	}
	return p
}

// parseAlgo reads one entry of an --algo list: an algorithm or a variant.
func parseAlgo(text string) (Algo, error) {
	a := Algo(strings.ToLower(strings.TrimSpace(text)))
	if a == "all" {
		return "", param.Errorf(param.Algos, `"all"`, "is allowed only on its own", "all (gf, gd, sgf, sgd) or a comma list of algorithms without it")
	}
	if !slices.Contains(AllAlgos, a.Base()) {
		return "", param.Errorf(param.Algos, strconv.Quote(text), "is not an algorithm", "gf, gd, sgf, sgd, lnsgd, hb (comma-separated), all, or a variant such as gd:step=0.02")
	}
	if _, err := parsePins(a); err != nil {
		return "", err
	}
	return a, nil
}

// pinnedMethod runs a variant: the base method with the pins applied at
// construction and at every live change of the parameters.
type pinnedMethod struct {
	Method
	algo Algo
}

func (m *pinnedMethod) Algo() Algo { return m.algo }

func (m *pinnedMethod) SetParams(p Params) error { return m.Method.SetParams(m.algo.Pinned(p)) }
