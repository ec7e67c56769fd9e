package presets

import (
	"encoding/json"
	"strconv"
	"strings"

	"sgdbias/sim/param"
)

// Scenario is every parameter of a run, with words on what to look at, as
// the scenario files spell it. A field that is nil (or an empty string) is
// not set: a scenario is layered over another (see Layer), and a complete
// one (see Complete) has every field set. Zero is a value like any
// other: "noise": 0 is no SGF noise, not "the default".
type Scenario struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	About string `json:"about"`

	N          *int     `json:"n,omitempty"`
	D          *int     `json:"d,omitempty"`
	S          *int     `json:"s,omitempty"`         // unset with a β* list: the list's non-zeros
	BetaStar   string   `json:"beta_star,omitempty"` // "pm1", "gauss" or a comma list
	Features   string   `json:"features,omitempty"`  // "iso", "aniso:LO:HI", "var:…"
	LabelSigma *float64 `json:"label_sigma,omitempty"`
	Seed       *uint64  `json:"seed,omitempty"`

	Algos string   `json:"algos,omitempty"` // comma list of gf, gd, sgf, sgd, lnsgd, hb and variants
	Alpha *float64 `json:"alpha,omitempty"`
	Step  *float64 `json:"step,omitempty"`
	// Noise is SGF's noise scale, or "step": it follows the step (the seed
	// paper's SGF has temperature γ).
	Noise     *Noise `json:"noise,omitempty"`
	Batch     *int   `json:"batch,omitempty"`
	Reshuffle *bool  `json:"reshuffle,omitempty"`
	// LabelNoise is the variance δ of LNSGD's fresh label noise; Momentum is
	// HB's μ.
	LabelNoise *float64 `json:"label_noise,omitempty"`
	Momentum   *float64 `json:"momentum,omitempty"`

	Time  *float64 `json:"time,omitempty"`
	Steps *int64   `json:"steps,omitempty"`
	Tol   *float64 `json:"tol,omitempty"`

	// Sweep gives `sgdbias sweep` default grids for this scenario, by
	// parameter name ("alpha", "step", "noise", "batch"), e.g.
	// {"noise": "0.02,0.1"}: what the scenario compares. A grid flag on the
	// command line wins.
	Sweep map[string]string `json:"sweep,omitempty"`
}

// Layer returns base with every field over sets replaced by over's. Two
// rules tie fields together: the horizon is one setting (over's time or
// steps replace both of base's), and s and β* agree (a new s over a β*
// list asks for drawn ±1 values; a new β* list without s takes s from the
// list). Name, Title and About are over's when it has a name.
func Layer(base, over Scenario) Scenario {
	out := base
	if over.Name != "" {
		out.Name, out.Title, out.About = over.Name, over.Title, over.About
	}
	set(&out.N, over.N)
	set(&out.D, over.D)
	set(&out.S, over.S)
	setText(&out.BetaStar, over.BetaStar)
	setText(&out.Features, over.Features)
	set(&out.LabelSigma, over.LabelSigma)
	set(&out.Seed, over.Seed)
	setText(&out.Algos, over.Algos)
	set(&out.Alpha, over.Alpha)
	set(&out.Step, over.Step)
	set(&out.Noise, over.Noise)
	set(&out.Batch, over.Batch)
	set(&out.Reshuffle, over.Reshuffle)
	set(&out.LabelNoise, over.LabelNoise)
	set(&out.Momentum, over.Momentum)
	if over.Time != nil || over.Steps != nil {
		out.Time, out.Steps = over.Time, over.Steps
	}
	set(&out.Tol, over.Tol)
	if over.Sweep != nil {
		out.Sweep = over.Sweep
	}
	switch {
	case over.S != nil && over.BetaStar == "" && isList(out.BetaStar):
		out.BetaStar = "pm1"
	case isList(over.BetaStar) && over.S == nil:
		out.S = nil
	}
	return out
}

func set[T any](dst **T, v *T) {
	if v != nil {
		c := *v
		*dst = &c
	}
}

func setText(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// isList reports whether a β* text is a list of values (not pm1 or gauss).
func isList(beta string) bool {
	return beta != "" && beta != "pm1" && beta != "gauss"
}

// Complete layers sc over the default scenario and the values no preset
// spells out (no label noise, no momentum, no fixed label noise, sampling
// with replacement, no tolerance), so that every field (but s, with a β*
// list) is set; the noise follows the step unless set. The name and the words stay sc's.
func Complete(sc Scenario) (Scenario, error) {
	def, err := Get(Default)
	if err != nil {
		return sc, err
	}
	base := Scenario{LabelSigma: ptr(0.0), Reshuffle: ptr(false), LabelNoise: ptr(0.0), Momentum: ptr(0.0), Tol: ptr(0.0),
		Noise: &Noise{FollowsStep: true}}
	out := Layer(Layer(base, def), sc)
	out.Name, out.Title, out.About = sc.Name, sc.Title, sc.About
	return out, nil
}

func ptr[T any](v T) *T { return &v }

// Noise is a scenario's SGF noise scale: a number, or "step" (in JSON and
// on the command line): equal to the step, whatever the step is.
type Noise struct {
	Value       float64
	FollowsStep bool
}

// NoiseStep is the text of the rule "the noise follows the step".
const NoiseStep = "step"

// Of is the noise scale with step γ.
func (n Noise) Of(step float64) float64 {
	if n.FollowsStep {
		return step
	}
	return n.Value
}

// String is the command line's text: "step" or the shortest exact number.
func (n Noise) String() string {
	if n.FollowsStep {
		return NoiseStep
	}
	return strconv.FormatFloat(n.Value, 'g', -1, 64)
}

// ParseNoise reads "step" or a number.
func ParseNoise(text string) (Noise, error) {
	text = strings.TrimSpace(text)
	if text == NoiseStep {
		return Noise{FollowsStep: true}, nil
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return Noise{}, param.Errorf(param.Noise, strconv.Quote(text), "is not a number", "a number ≥ 0 or %q", NoiseStep)
	}
	return Noise{Value: v}, nil
}

// MarshalJSON writes "step" or the number.
func (n Noise) MarshalJSON() ([]byte, error) {
	if n.FollowsStep {
		return json.Marshal(NoiseStep)
	}
	return json.Marshal(n.Value)
}

// UnmarshalJSON reads "step" or a number.
func (n *Noise) UnmarshalJSON(b []byte) error {
	var text string
	if json.Unmarshal(b, &text) == nil {
		v, err := ParseNoise(text)
		*n = v
		return err
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return param.Errorf(param.Noise, string(b), "", "a number ≥ 0 or %q", NoiseStep)
	}
	*n = Noise{Value: v}
	return nil
}
