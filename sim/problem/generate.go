package problem

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"sgdbias/sim/param"
)

// MaxEntries caps n·d for generated and loaded problems: X alone is then at
// most 400 MB, and one epoch of the simulators stays interactive.
const MaxEntries = 50_000_000

// Random streams of the PCG generator: each random part of a problem has its
// own, so that changing one setting (say --label-sigma) leaves the others
// bit-identical.
const (
	streamX     = 1
	streamBeta  = 2
	streamNoise = 3
)

// Default variance range of "aniso" features: two decades around 1, enough to
// make the weighted ℓ₁ bias of anisotropic data visible.
const (
	defaultAnisoLo = 0.1
	defaultAnisoHi = 10
)

// Spec says how to draw a synthetic problem (theory.md §1). The same Spec
// always gives a bit-identical Problem.
type Spec struct {
	N, D, S    int
	Beta       BetaSpec    // how β* is drawn
	Features   FeatureSpec // isotropic or anisotropic diagonal covariance
	LabelSigma float64     // std of fixed label noise ε_i ~ N(0, σ²) added to y = Xβ*
	Seed       uint64
}

// BetaSpec says how the s-sparse ground truth β* is drawn.
type BetaSpec struct {
	Kind   string    // "pm1" (random signs ±1), "gauss" (N(0,1) values) or "list"
	Values []float64 // for "list": the leading coordinates of β*
}

// FeatureSpec gives the diagonal feature covariance Σ. Kind "iso" is Σ = I;
// kind "aniso" uses Var when it is set (parsed from "var:v1,…,vd") and
// otherwise variances log-spaced from Lo (first coordinate) to Hi (last).
type FeatureSpec struct {
	Kind   string    // "iso" or "aniso"
	Lo, Hi float64   // log-spaced variances, for "aniso" without Var
	Var    []float64 // explicit variances, len D
}

// Generate draws the problem that spec describes and validates it.
func Generate(spec Spec) (*Problem, error) {
	s, err := spec.Check()
	if err != nil {
		return nil, err
	}
	featureVar := spec.Features.variances(spec.D)
	p := &Problem{
		N:          spec.N,
		D:          spec.D,
		X:          drawX(spec.N, spec.D, featureVar, spec.Seed),
		BetaStar:   drawBetaStar(spec.Beta, spec.D, s, spec.Seed),
		FeatureVar: featureVar,
		Source:     "generated",
	}
	p.Y = labels(p, spec.LabelSigma, spec.Seed)
	p.Finish()
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("the generated problem is unusable: %w (try another --seed or milder --features)", err)
	}
	return p, nil
}

// newRand returns the generator of one stream of a seed.
func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// drawX fills X row by row with x_i ~ N(0, diag(featureVar)); nil featureVar
// is the identity.
func drawX(n, d int, featureVar []float64, seed uint64) []float64 {
	rng := newRand(seed, streamX)
	x := make([]float64, n*d)
	for i := range n {
		row := x[i*d : (i+1)*d]
		for j := range row {
			row[j] = rng.NormFloat64()
		}
		if featureVar != nil {
			for j := range row {
				row[j] *= math.Sqrt(featureVar[j])
			}
		}
	}
	return x
}

// drawBetaStar returns β* with s non-zeros on its leading coordinates.
func drawBetaStar(b BetaSpec, d, s int, seed uint64) []float64 {
	beta := make([]float64, d)
	if b.Kind == "list" {
		copy(beta, b.Values)
		return beta
	}
	rng := newRand(seed, streamBeta)
	for j := 0; j < s; j++ {
		if b.Kind == "pm1" {
			beta[j] = float64(1 - 2*rng.IntN(2))
			continue
		}
		// A Gaussian draw is exactly 0 with probability 0, but s must count
		// the non-zeros, so make sure.
		for beta[j] == 0 {
			beta[j] = rng.NormFloat64()
		}
	}
	return beta
}

// labels returns y = Xβ* + ε with ε_i ~ N(0, σ²). The n noise draws are made
// even when σ = 0 so that the stream is used the same way for every σ.
func labels(p *Problem, sigma float64, seed uint64) []float64 {
	rng := newRand(seed, streamNoise)
	y := make([]float64, p.N)
	for i := range y {
		var dot float64
		for j, x := range p.Row(i) {
			dot += x * p.BetaStar[j]
		}
		y[i] = dot + sigma*rng.NormFloat64()
	}
	return y
}

// variances returns the diagonal of Σ over d coordinates, nil for "iso".
func (f FeatureSpec) variances(d int) []float64 {
	switch {
	case f.Kind == "iso":
		return nil
	case f.Var != nil:
		return append([]float64(nil), f.Var...)
	}
	v := make([]float64, d)
	logLo, logHi := math.Log(f.Lo), math.Log(f.Hi)
	for j := range v {
		t := float64(j) / float64(max(d-1, 1))
		v[j] = math.Exp(logLo + t*(logHi-logLo))
	}
	// Pin the ends so that the advertised range is exact despite exp∘log.
	v[0], v[d-1] = f.Lo, f.Hi
	return v
}

// Check validates the spec without drawing anything and returns the
// sparsity of β* it gives (s, or the non-zeros of a list when s is 0).
// Errors are *param.Error: the parameter and the allowed range.
func (spec Spec) Check() (int, error) {
	if err := checkSizes(spec.N, spec.D); err != nil {
		return 0, err
	}
	s, err := spec.Beta.sparsity(spec.S, spec.D)
	if err != nil {
		return 0, err
	}
	if err := spec.Features.check(spec.D); err != nil {
		return 0, err
	}
	if !(spec.LabelSigma >= 0 && spec.LabelSigma <= 1e50) {
		return 0, param.OutOfRange(param.LabelSigma, spec.LabelSigma, "0 ≤ σ ≤ 1e50")
	}
	return s, nil
}

// checkSizes checks 1 ≤ n < d and n·d ≤ MaxEntries.
func checkSizes(n, d int) error {
	if d < 2 || d > MaxEntries {
		return param.OutOfRange(param.D, d, "2 ≤ d ≤ %d", MaxEntries)
	}
	if n < 1 || n >= d {
		return param.OutOfRange(param.N, n, "1 ≤ n < d (=%d)", d)
	}
	if int64(n)*int64(d) > MaxEntries {
		return param.Errorf(param.D, d, fmt.Sprintf("is too large for n = %d", n), "n·d ≤ %d, i.e. d ≤ %d",
			MaxEntries, MaxEntries/n)
	}
	return nil
}

// sparsity checks β*'s spec against s and d and returns the sparsity to use:
// s itself, or the number of non-zeros of a list when s is 0.
func (b BetaSpec) sparsity(s, d int) (int, error) {
	switch b.Kind {
	case "pm1", "gauss":
		if s < 1 || s > d {
			return 0, param.OutOfRange(param.S, s, "1 ≤ s ≤ d (=%d)", d)
		}
		return s, nil
	case "list":
		return b.listSparsity(s, d)
	}
	return 0, param.Errorf(param.BetaStar, strconv.Quote(b.Kind), "is not a kind of β*", "pm1, gauss or a comma list of numbers")
}

func (b BetaSpec) listSparsity(s, d int) (int, error) {
	if len(b.Values) == 0 || len(b.Values) > d {
		return 0, param.Errorf(param.BetaStar, "the list", "has "+plural(len(b.Values), "value", "values"), "1 to d (=%d)", d)
	}
	nonZeros := 0
	for k, v := range b.Values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, param.Errorf(param.BetaStar, fmt.Sprintf("value %d (%v)", k+1, v), "is not finite", "finite numbers")
		}
		if v != 0 {
			nonZeros++
		}
	}
	switch {
	case nonZeros == 0:
		return 0, param.Errorf(param.BetaStar, "the list", "has no non-zero value", "1 ≤ s ≤ d non-zeros")
	case s == 0:
		return nonZeros, nil
	case s != nonZeros:
		return 0, param.Errorf(param.S, s, fmt.Sprintf("disagrees with β* = %s, which has %s", b, plural(nonZeros, "non-zero", "non-zeros")),
			"s = %d (or 0 to take it from the list)", nonZeros)
	}
	return s, nil
}

// check validates the covariance spec for d coordinates.
func (f FeatureSpec) check(d int) error {
	switch f.Kind {
	case "iso":
		return nil
	case "aniso":
		if f.Var != nil {
			return checkVariances(f.Var, d)
		}
		if !positiveFinite(f.Lo) || !positiveFinite(f.Hi) {
			return param.OutOfRange(param.Features, fmt.Sprintf("aniso:%v:%v", f.Lo, f.Hi), "0 < LO, HI < ∞")
		}
		return nil
	}
	return param.Errorf(param.Features, strconv.Quote(f.Kind), "is not a kind of features", "iso, aniso, aniso:LO:HI or var:v1,…,vd")
}

func checkVariances(v []float64, d int) error {
	if len(v) != d {
		return param.Errorf(param.Features, "var", "has "+plural(len(v), "variance", "variances"), "d (=%d)", d)
	}
	for j, x := range v {
		if !positiveFinite(x) {
			return param.OutOfRange(param.Features, fmt.Sprintf("variance %d (%v)", j+1, x), "0 < v < ∞")
		}
	}
	return nil
}

func positiveFinite(x float64) bool { return x > 0 && !math.IsInf(x, 1) }

// ParseBetaSpec parses --beta-star: "pm1", "gauss" or a comma list of numbers
// such as "100,-100,0,1.5".
func ParseBetaSpec(s string) (BetaSpec, error) {
	s = strings.TrimSpace(s)
	switch kind := strings.ToLower(s); kind {
	case "pm1", "gauss":
		return BetaSpec{Kind: kind}, nil
	case "":
		return BetaSpec{}, param.Errorf(param.BetaStar, "", "is empty", "pm1, gauss or a comma list of numbers like 100,-100,0,1.5")
	}
	values, err := parseFloatList(s)
	if err != nil {
		// A single word that is no number is most likely a mistyped kind.
		if _, perr := strconv.ParseFloat(s, 64); !strings.Contains(s, ",") && errors.Is(perr, strconv.ErrSyntax) {
			return BetaSpec{}, param.Errorf(param.BetaStar, strconv.Quote(s), "is not a β*", "pm1, gauss or a comma list of numbers like 100,-100,0,1.5")
		}
		return BetaSpec{}, param.Errorf(param.BetaStar, "", err.Error(), "a comma list of finite numbers")
	}
	return BetaSpec{Kind: "list", Values: values}, nil
}

// ParseFeatureSpec parses --features: "iso", "aniso" (= aniso:0.1:10),
// "aniso:LO:HI" or "var:v1,v2,…,vd".
func ParseFeatureSpec(s string) (FeatureSpec, error) {
	s = strings.TrimSpace(s)
	kind, rest, hasRest := strings.Cut(s, ":")
	kind = strings.ToLower(strings.TrimSpace(kind))
	switch {
	case kind == "iso" && !hasRest:
		return FeatureSpec{Kind: "iso"}, nil
	case kind == "aniso" && !hasRest:
		return FeatureSpec{Kind: "aniso", Lo: defaultAnisoLo, Hi: defaultAnisoHi}, nil
	case kind == "aniso":
		return parseAnisoRange(rest)
	case kind == "var" && hasRest:
		return parseExplicitVariances(rest)
	}
	return FeatureSpec{}, param.Errorf(param.Features, strconv.Quote(s), "is not a feature covariance", "iso, aniso, aniso:LO:HI or var:v1,…,vd")
}

func parseAnisoRange(rest string) (FeatureSpec, error) {
	lo, hi, ok := strings.Cut(rest, ":")
	if !ok || strings.Contains(hi, ":") {
		return FeatureSpec{}, param.Errorf(param.Features, "aniso:"+rest, "is not aniso:LO:HI", "aniso:LO:HI with 0 < LO, HI < ∞")
	}
	bounds := [2]float64{}
	for k, text := range [2]string{lo, hi} {
		v, err := parseFloat(text)
		if err != nil {
			return FeatureSpec{}, param.Errorf(param.Features, "", "aniso "+[2]string{"LO", "HI"}[k]+": "+err.Error(), "aniso:LO:HI with 0 < LO, HI < ∞")
		}
		if !positiveFinite(v) {
			return FeatureSpec{}, param.OutOfRange(param.Features, fmt.Sprintf("aniso %s = %v", [2]string{"LO", "HI"}[k], v), "0 < %s < ∞", [2]string{"LO", "HI"}[k])
		}
		bounds[k] = v
	}
	return FeatureSpec{Kind: "aniso", Lo: bounds[0], Hi: bounds[1]}, nil
}

func parseExplicitVariances(rest string) (FeatureSpec, error) {
	values, err := parseFloatList(rest)
	if err != nil {
		return FeatureSpec{}, param.Errorf(param.Features, "", "var: "+err.Error(), "var:v1,…,vd with every v > 0")
	}
	for k, v := range values {
		if !positiveFinite(v) {
			return FeatureSpec{}, param.OutOfRange(param.Features, fmt.Sprintf("var item %d (%v)", k+1, v), "0 < v < ∞")
		}
	}
	return FeatureSpec{Kind: "aniso", Var: values}, nil
}

// parseFloatList parses "a,b,c" into finite numbers; errors count items from 1.
func parseFloatList(s string) ([]float64, error) {
	items := strings.Split(s, ",")
	values := make([]float64, len(items))
	for k, item := range items {
		v, err := parseFloat(item)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", k+1, err)
		}
		values[k] = v
	}
	return values, nil
}

// parseFloat parses one finite number, ignoring surrounding spaces.
func parseFloat(text string) (float64, error) {
	text = strings.TrimSpace(text)
	v, err := strconv.ParseFloat(text, 64)
	switch {
	case err != nil && errors.Is(err, strconv.ErrRange) && math.IsInf(v, 0):
		return 0, fmt.Errorf("%q is out of float64 range", clip(text))
	case err != nil:
		return 0, fmt.Errorf("%q is not a number", clip(text))
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Errorf("NaN/Inf not allowed (got %q)", clip(text))
	}
	return v, nil
}

// String returns the --beta-star text that parses back to b.
func (b BetaSpec) String() string {
	if b.Kind != "list" {
		return b.Kind
	}
	return formatFloatList(b.Values)
}

// String returns the --features text that parses back to f.
func (f FeatureSpec) String() string {
	switch {
	case f.Kind != "aniso":
		return f.Kind
	case f.Var != nil:
		return "var:" + formatFloatList(f.Var)
	}
	return "aniso:" + formatFloat(f.Lo) + ":" + formatFloat(f.Hi)
}

func formatFloatList(values []float64) string {
	parts := make([]string, len(values))
	for k, v := range values {
		parts[k] = formatFloat(v)
	}
	return strings.Join(parts, ",")
}

// formatFloat is the shortest text that parses back to exactly v.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// maxEcho is how much of the user's input a message repeats.
const maxEcho = 80

// clip cuts s to maxEcho characters for a message (a 200 MB cell must not
// be echoed whole).
func clip(s string) string {
	if r := []rune(s); len(r) > maxEcho {
		return string(r[:maxEcho-1]) + "…"
	}
	return s
}
