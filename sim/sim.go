// Package sim is the simulation engine of sgdbias: gradient flow (GF), gradient
// descent (GD), stochastic gradient descent (SGD), the seed paper's stochastic
// gradient flow (SGF), label-noise SGD and heavy-ball GD on a 2-layer diagonal
// linear network β = w₊⊙w₊ − w₋⊙w₋, all from the same problem and
// initialisation, on one continuous time axis; any of them also as a variant
// with pinned parameters (gd:step=0.0175), to compare two settings.
//
// The mathematics and its checks are in theory.md (beside this file); section
// numbers in comments refer to it. Every method stores w₊ and w₋ (or their logarithms) rather than
// β, so that the effective initialisation α_t = √|w₊w₋| and the mirror tilt can
// be read off the state exactly (§2, §4, §5).
//
// A Method is owned by one goroutine; nothing here locks. Live parameters
// (step, noise, batch) change between steps through SetParams; a change of α,
// data or seed is a new Method.
package sim

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"sgdbias/sim/param"
)

// Algo names one of the training algorithms.
type Algo string

// The algorithms, in the order they are listed and plotted.
const (
	GF  Algo = "gf"
	GD  Algo = "gd"
	SGF Algo = "sgf"
	SGD Algo = "sgd"
	// LNSGD is SGD with fresh label noise at every step (§6); batch n makes
	// it label-noise GD.
	LNSGD Algo = "lnsgd"
	// HB is full-batch gradient descent with heavy-ball momentum (§6).
	HB Algo = "hb"
)

// AllAlgos lists every algorithm in display order.
var AllAlgos = []Algo{GF, GD, SGF, SGD, LNSGD, HB}

// CoreAlgos are the four algorithms of the seed paper's comparison, the ones
// "all" selects.
var CoreAlgos = []Algo{GF, GD, SGF, SGD}

// ParseAlgos parses a comma-separated list such as "gf,sgf" or
// "gf,gd,gd:step=0.0175" (a variant, see Pin); "all" means the four core
// algorithms. A run listed twice is refused, and so is a variant pinning a
// parameter its algorithm does not use.
func ParseAlgos(s string) ([]Algo, error) {
	if strings.TrimSpace(s) == "all" {
		return append([]Algo(nil), CoreAlgos...), nil
	}
	var out []Algo
	for _, f := range strings.Split(s, ",") {
		a, err := parseAlgo(f)
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, a) {
			return nil, duplicateRun(a)
		}
		out = append(out, a)
	}
	return out, nil
}

// duplicateRun refuses a run listed twice: the two would be identical.
func duplicateRun(a Algo) error {
	return param.Errorf(param.Algos, a, "is listed twice", "each run once (a variant such as %s:step=0.02 runs it again with other parameters)", a.Base())
}

// Params are the parameters that may change live, between steps, without
// losing the trajectory.
type Params struct {
	// Step is γ: the step of GD and SGD, and the time step of SGF's
	// integrator, so that the discrete methods advance time t = kγ.
	Step float64
	// Noise is the SGF temperature γ in the seed paper's SDE (§4); 0 gives GF.
	Noise float64
	// Batch is SGD's minibatch size b, 1 ≤ b ≤ n.
	Batch int
	// Reshuffle makes SGD walk through a fresh permutation each epoch
	// instead of drawing each batch uniformly at random.
	Reshuffle bool
	// LabelNoise is the variance δ of the fresh label noise of LNSGD.
	LabelNoise float64
	// Momentum is HB's heavy-ball coefficient μ, 0 ≤ μ < 1.
	Momentum float64
}

// WithStep returns p with step γ: the SGF noise scale follows the step
// while it equals it (the seed paper's SGF has temperature γ, §4), and
// keeps its own value otherwise.
func (p Params) WithStep(step float64) Params {
	if p.Noise == p.Step {
		p.Noise = step
	}
	p.Step = step
	return p
}

// Validate checks the parameters against a problem with n samples.
func (p Params) Validate(n int) error {
	if !(p.Step > 0) || math.IsInf(p.Step, 0) {
		return param.Errorf(param.Step, p.Step, "", "a finite step size γ > 0")
	}
	if !(p.Noise >= 0) || math.IsInf(p.Noise, 0) {
		return param.Errorf(param.Noise, p.Noise, "", "a finite SGF noise scale ≥ 0")
	}
	if p.Batch < 1 || p.Batch > n {
		return param.OutOfRange(param.Batch, p.Batch, "1 ≤ b ≤ n (=%d)", n)
	}
	if !(p.LabelNoise >= 0) || math.IsInf(p.LabelNoise, 0) {
		return param.Errorf(param.LabelNoise, p.LabelNoise, "", "a finite label-noise variance δ ≥ 0")
	}
	if !(p.Momentum >= 0 && p.Momentum < 1) {
		return param.OutOfRange(param.Momentum, p.Momentum, "0 ≤ μ < 1")
	}
	return nil
}

// The initialisation scales every entry point accepts (flags, scenario
// files, the explorer's typing and ←/→ ladder, sweep grids). Down to
// 1e-100 the saddle-to-saddle staircase (theory.md §9) is sharp and the φ_α
// solver of the GF limit still converges through its continuation in α (§7,
// tested to 1e-300); α² stays a normal float64. Above 1e3 the network starts
// deep in the kernel regime and α⁴ overflows the solver's constants (it is
// tested to α = 1e3).
const (
	MinAlpha = 1e-100
	MaxAlpha = 1e3
)

// CheckAlpha checks one initialisation scale against [MinAlpha, MaxAlpha].
func CheckAlpha(alpha float64) error {
	if !(alpha >= MinAlpha && alpha <= MaxAlpha) {
		return param.OutOfRange(param.Alpha, alpha, "%g ≤ α ≤ %g", MinAlpha, MaxAlpha)
	}
	return nil
}

// Init is the initialisation w₊(0) = w₋(0) = α (§1): one scale for every
// coordinate (UniformInit), or a vector α when one is given (VectorInit).
// A uniform α is a scalar here and in every method, so that a run at large d
// holds no vector of length d for it.
type Init struct {
	// Alpha is α per coordinate; nil when uniform.
	Alpha []float64
	// Uniform is α in every coordinate, when Alpha is nil.
	Uniform float64
	// D is the dimension a uniform α was made for, checked by Validate.
	D int
}

// UniformInit returns α·1 in dimension d.
func UniformInit(alpha float64, d int) Init {
	return Init{Uniform: alpha, D: d}
}

// VectorInit returns the initialisation α per coordinate (kept, not copied).
func VectorInit(alpha []float64) Init {
	return Init{Alpha: alpha, D: len(alpha)}
}

// IsUniform reports whether every coordinate starts from the same α.
func (in Init) IsUniform() bool { return in.Alpha == nil }

// At is α in coordinate j.
func (in Init) At(j int) float64 {
	if in.Alpha == nil {
		return in.Uniform
	}
	return in.Alpha[j]
}

// Validate checks that α is given for d coordinates and is finite and
// positive in every one.
func (in Init) Validate(d int) error {
	if in.Alpha == nil {
		if in.D != d {
			return param.Errorf(param.Alpha, fmt.Sprintf("uniform α for d = %d", in.D), "given", "α for d (=%d) coordinates", d)
		}
		return CheckAlpha(in.Uniform)
	}
	if len(in.Alpha) != d {
		return param.Errorf(param.Alpha, fmt.Sprintf("%d values", len(in.Alpha)), "given", "1 or d (=%d)", d)
	}
	for j, a := range in.Alpha {
		if err := CheckAlpha(a); err != nil {
			err.(*param.Error).Value = fmt.Sprintf("α[%d] = %v", j, a)
			return err
		}
	}
	return nil
}

// SumLogAlpha is Σ_j ln α_j over the d coordinates, the reference of the
// mean gain (§5), without a vector. A uniform α is summed term by term like
// a vector, so that the gain is the same number whichever way α was given.
func (in Init) SumLogAlpha() float64 {
	var sum float64
	for j := range in.D {
		sum += math.Log(in.At(j))
	}
	return sum
}

// LogAlpha returns ln α per coordinate, a new vector of length d, for the
// solvers that take one.
func (in Init) LogAlpha() []float64 {
	out := make([]float64, in.D)
	for j := range out {
		out[j] = math.Log(in.At(j))
	}
	return out
}
