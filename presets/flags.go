package presets

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"sgdbias/sim"
	"sgdbias/sim/param"
)

// Flags are the scenario's command-line flags, shared by every command that
// builds a run. They are layered over a preset or a scenario file: a flag
// wins only when it is given.
type Flags struct {
	fs *flag.FlagSet
	// Preset and Config name the base scenario; Data is a problem file that
	// replaces the generated problem.
	Preset, Config, Data string
	// LoadConfig, when set, reads the --config file instead of Load (the
	// command line's reader: "-" is standard input, Ctrl+C stops a read).
	LoadConfig func(path string) (Scenario, error)

	n, d, s         int
	beta, features  string
	labelSigma      float64
	seed            uint64
	algos           string
	alpha, step     float64
	noise           Noise
	batch           int
	reshuffle       bool
	labelNoise, mom float64
	time, tol       float64
	steps           int64
}

// FlagName is the command line's name of a parameter, "--label-noise" for
// label_noise: the one place the engine's neutral names become flags. A
// flag is "--" and the name with '_' written '-', but for the algorithms'
// (--algo, as the flag has always been).
func FlagName(p param.Name) string {
	if p == param.Algos {
		return "--algo"
	}
	return "--" + strings.ReplaceAll(string(p), "_", "-")
}

func flagOf(p param.Name) string { return strings.TrimPrefix(FlagName(p), "--") }

// AddFlags defines the scenario's flags on fs. The defaults -h shows are
// the default preset's values; a flag not given takes the chosen preset's.
func AddFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{fs: fs}
	def, _ := Get(Default)
	def, _ = Complete(def)
	f.noise = *def.Noise
	fs.StringVar(&f.Preset, "preset", Default, "named scenario to start from; 'sgdbias presets' lists them")
	fs.StringVar(&f.Config, "config", "", "scenario `FILE` (JSON, the presets' format) to start from instead of a preset")
	fs.StringVar(&f.Data, "data", "", "load the problem from `FILE` (.json {\"X\",\"y\",\"beta_star\"} or .csv x1,…,xd,y) instead of generating it")
	fs.IntVar(&f.n, flagOf(param.N), *def.N, "number of samples n (generated data)")
	fs.IntVar(&f.d, flagOf(param.D), *def.D, "dimension d > n (generated data)")
	fs.IntVar(&f.s, flagOf(param.S), *def.S, "sparsity s of β*, 1 ≤ s ≤ d (generated data)")
	fs.StringVar(&f.beta, flagOf(param.BetaStar), def.BetaStar, "β* values: pm1 (random ±1), gauss, or a comma list such as 100,-100")
	fs.StringVar(&f.features, flagOf(param.Features), def.Features, "feature covariance: iso, aniso (variances log-spaced 0.1…10), aniso:LO:HI or var:v1,…,vd")
	fs.Float64Var(&f.labelSigma, flagOf(param.LabelSigma), *def.LabelSigma, "std of the fixed label noise of generated data")
	fs.Uint64Var(&f.seed, flagOf(param.Seed), *def.Seed, "seed of the data and of every sampling and noise draw")
	f.algos = def.Algos
	fs.Var(&algosFlag{&f.algos}, flagOf(param.Algos), "comma-separated `algorithms`: gf, gd, sgf, sgd, lnsgd (label-noise SGD), hb (heavy ball), all (the first four), or a variant with pinned parameters such as gd:step=0.0175 or sgf:noise=0.1")
	fs.Float64Var(&f.alpha, flagOf(param.Alpha), *def.Alpha, fmt.Sprintf("initialisation scale α, %g ≤ α ≤ %g: w₊(0) = w₋(0) = α (seed paper's convention, β = w₊² − w₋²)", sim.MinAlpha, sim.MaxAlpha))
	fs.Float64Var(&f.step, flagOf(param.Step), *def.Step, "step size γ of GD and SGD (and SGF's time step)")
	fs.Var(&noiseFlag{&f.noise}, flagOf(param.Noise), "SGF noise scale (temperature γ of the SDE), or 'step': equal to --step")
	fs.IntVar(&f.batch, flagOf(param.Batch), *def.Batch, "SGD batch size b, 1 ≤ b ≤ n")
	fs.BoolVar(&f.reshuffle, flagOf(param.Reshuffle), *def.Reshuffle, "SGD: walk through a fresh permutation each epoch instead of sampling batches uniformly")
	fs.Float64Var(&f.labelNoise, flagOf(param.LabelNoise), *def.LabelNoise, "lnsgd: variance δ of the fresh label noise added at every step")
	fs.Float64Var(&f.mom, flagOf(param.Momentum), *def.Momentum, "hb: heavy-ball momentum μ, 0 ≤ μ < 1")
	fs.Float64Var(&f.time, flagOf(param.Time), *def.Time, "run to continuous time `T` (discrete methods: T/γ steps)")
	fs.Int64Var(&f.steps, flagOf(param.Steps), 0, "run `K` steps (GF: to time K·γ)")
	fs.Float64Var(&f.tol, flagOf(param.Tol), 0, "stop a run as soon as its training loss is ≤ `TOL` (within the horizon)")
	return f
}

// noiseFlag is --noise: a number or "step".
type noiseFlag struct{ v *Noise }

func (n *noiseFlag) String() string {
	if n.v == nil {
		return NoiseStep
	}
	return n.v.String()
}

func (n *noiseFlag) Set(text string) error {
	v, err := ParseNoise(text)
	if pe, ok := err.(*param.Error); ok {
		return errors.New(pe.Message()) // the flag package names the flag
	}
	*n.v = v
	return nil
}

// algosFlag is --algo: a list of algorithms, never empty (an empty value
// would otherwise fall back on the base scenario's list unseen).
type algosFlag struct{ v *string }

func (a *algosFlag) String() string {
	if a.v == nil {
		return ""
	}
	return *a.v
}

func (a *algosFlag) Set(text string) error {
	if strings.TrimSpace(text) == "" { // the flag package names the flag
		return errors.New("empty; allowed a comma list of gf, gd, sgf, sgd, lnsgd, hb or variants, or all")
	}
	*a.v = text
	return nil
}

// Given is the scenario of the flags given on the command line alone: the
// layer that goes over the preset or the scenario file.
func (f *Flags) Given() Scenario {
	var sc Scenario
	f.fs.Visit(func(fl *flag.Flag) {
		switch param.Name(strings.ReplaceAll(fl.Name, "-", "_")) {
		case param.N:
			sc.N = ptr(f.n)
		case param.D:
			sc.D = ptr(f.d)
		case param.S:
			sc.S = ptr(f.s)
		case param.BetaStar:
			sc.BetaStar = f.beta
		case param.Features:
			sc.Features = f.features
		case param.LabelSigma:
			sc.LabelSigma = ptr(f.labelSigma)
		case param.Seed:
			sc.Seed = ptr(f.seed)
		case "algo":
			sc.Algos = f.algos
		case param.Alpha:
			sc.Alpha = ptr(f.alpha)
		case param.Step:
			sc.Step = ptr(f.step)
		case param.Noise:
			sc.Noise = ptr(f.noise)
		case param.Batch:
			sc.Batch = ptr(f.batch)
		case param.Reshuffle:
			sc.Reshuffle = ptr(f.reshuffle)
		case param.LabelNoise:
			sc.LabelNoise = ptr(f.labelNoise)
		case param.Momentum:
			sc.Momentum = ptr(f.mom)
		case param.Time:
			sc.Time = ptr(f.time)
		case param.Steps:
			sc.Steps = ptr(f.steps)
		case param.Tol:
			sc.Tol = ptr(f.tol)
		}
	})
	return sc
}

// Base is the scenario the flags are layered over: --config's file, else
// --preset's scenario.
func (f *Flags) Base() (Scenario, error) {
	if f.Config != "" && f.LoadConfig != nil {
		return f.LoadConfig(f.Config)
	}
	if f.Config != "" {
		return Load(f.Config)
	}
	return Get(f.Preset)
}

// Resolve is the complete scenario of the command line: the given flags
// over the base, over the default scenario.
func (f *Flags) Resolve() (Scenario, error) {
	return f.ResolveWith(f.Given())
}

// ResolveWith is Resolve with the given layer changed by the caller (a
// sweep puts its grids' first values there).
func (f *Flags) ResolveWith(given Scenario) (Scenario, error) {
	base, err := f.Base()
	if err != nil {
		return base, err
	}
	return Complete(Layer(base, given))
}

// Args are the flags that turn the complete scenario base into the complete
// scenario sc: every field where they differ, in a fixed order. Layered over
// base (Flags.Resolve with --preset base.Name), they give sc back.
func Args(sc, base Scenario) []string {
	var out []string
	add := func(p param.Name, differs bool, text string) {
		if differs && text != "" {
			out = append(out, FlagName(p), text)
		}
	}
	add(param.N, !same(sc.N, base.N), intText(sc.N))
	add(param.D, !same(sc.D, base.D), intText(sc.D))
	betaDiffers := sc.BetaStar != base.BetaStar
	sDiffers := !same(sc.S, base.S)
	// A given s over a β* list draws ±1 values, and a given list without s
	// takes s from the list (Layer): say both when either changes.
	add(param.S, sc.S != nil && (sDiffers || betaDiffers), intText(sc.S))
	add(param.BetaStar, betaDiffers || (sDiffers && isList(sc.BetaStar)), sc.BetaStar)
	add(param.Features, sc.Features != base.Features, sc.Features)
	add(param.LabelSigma, !same(sc.LabelSigma, base.LabelSigma), floatText(sc.LabelSigma))
	add(param.Seed, !same(sc.Seed, base.Seed), uintText(sc.Seed))
	add(param.Algos, sc.Algos != base.Algos, sc.Algos)
	add(param.Alpha, !same(sc.Alpha, base.Alpha), floatText(sc.Alpha))
	add(param.Step, !same(sc.Step, base.Step), floatText(sc.Step))
	add(param.Noise, !same(sc.Noise, base.Noise), noiseText(sc.Noise))
	add(param.Batch, !same(sc.Batch, base.Batch), intText(sc.Batch))
	if !same(sc.Reshuffle, base.Reshuffle) && sc.Reshuffle != nil {
		out = append(out, FlagName(param.Reshuffle)+"="+strconv.FormatBool(*sc.Reshuffle))
	}
	add(param.LabelNoise, !same(sc.LabelNoise, base.LabelNoise), floatText(sc.LabelNoise))
	add(param.Momentum, !same(sc.Momentum, base.Momentum), floatText(sc.Momentum))
	if !same(sc.Time, base.Time) || !same(sc.Steps, base.Steps) {
		add(param.Time, sc.Time != nil, floatText(sc.Time))
		add(param.Steps, sc.Steps != nil, int64Text(sc.Steps))
	}
	add(param.Tol, !same(sc.Tol, base.Tol), floatText(sc.Tol))
	return out
}

// CommandLine is the arguments that give the complete scenario sc back:
// --preset with sc's name when it is a preset's (else the default preset's
// values are the base), then Args over that preset.
func CommandLine(sc Scenario) ([]string, error) {
	name := sc.Name
	if _, err := Get(name); err != nil {
		name = Default
	}
	base, err := Get(name)
	if err != nil {
		return nil, err
	}
	if base, err = Complete(base); err != nil {
		return nil, err
	}
	return append([]string{"--preset", name}, Args(sc, base)...), nil
}

func same[T comparable](a, b *T) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func intText(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func int64Text(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}

func uintText(v *uint64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatUint(*v, 10)
}

func floatText(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'g', -1, 64)
}

func noiseText(v *Noise) string {
	if v == nil {
		return ""
	}
	return v.String()
}
