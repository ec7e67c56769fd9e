package cli

import (
	"flag"
	"fmt"
	"strings"

	"sgdbias/presets"
	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// scenarioFlags are the flags shared by every command that builds a run:
// the problem, the initialisation, the algorithms and their parameters.
// They are layered over a preset: a flag wins only when it is given.
type scenarioFlags struct {
	fs     *flag.FlagSet
	preset string
	config string
	data   string
	values presets.Scenario
	// in reads --config and --data; configText is the --config file's text,
	// for messages that point into it.
	in         inputs
	configText []byte
}

// The flags' defaults shown by -h are the default preset's values; a flag
// that is not given takes the chosen preset's value (see resolve).
func addScenarioFlags(fs *flag.FlagSet) *scenarioFlags {
	f := &scenarioFlags{fs: fs}
	def, _ := presets.Get(presets.Default)
	f.values = def
	v := &f.values
	fs.StringVar(&f.preset, "preset", presets.Default, "named scenario to start from; 'sgdbias presets' lists them")
	fs.StringVar(&f.config, "config", "", "scenario `FILE` (JSON, the presets' format) to start from instead of a preset")
	fs.StringVar(&f.data, "data", "", "load the problem from `FILE` (.json {\"X\",\"y\",\"beta_star\"} or .csv x1,…,xd,y) instead of generating it")
	fs.IntVar(&v.N, "n", v.N, "number of samples n (generated data)")
	fs.IntVar(&v.D, "d", v.D, "dimension d > n (generated data)")
	fs.IntVar(&v.S, "s", v.S, "sparsity s of β*, 1 ≤ s ≤ d (generated data)")
	fs.StringVar(&v.BetaStar, "beta-star", v.BetaStar, "β* values: pm1 (random ±1), gauss, or a comma list such as 100,-100")
	fs.StringVar(&v.Features, "features", v.Features, "feature covariance: iso, aniso (variances log-spaced 0.1…10), aniso:LO:HI or var:v1,…,vd")
	fs.Float64Var(&v.LabelSigma, "label-sigma", v.LabelSigma, "std of the fixed label noise of generated data")
	fs.Uint64Var(&v.Seed, "seed", v.Seed, "seed of the data and of every sampling and noise draw")
	fs.StringVar(&v.Algos, "algo", v.Algos, "algorithms, comma-separated: gf, gd, sgf, sgd, lnsgd (label-noise SGD), hb (heavy ball), all (the first four), or a variant with pinned parameters such as gd:step=0.0175 or sgf:noise=0.1")
	fs.Float64Var(&v.Alpha, "alpha", v.Alpha, "initialisation scale α, 1e-150 ≤ α ≤ 1e4: w₊(0) = w₋(0) = α (seed paper's convention, β = w₊² − w₋²)")
	fs.Float64Var(&v.Step, "step", v.Step, "step size γ of GD and SGD (and SGF's time step)")
	fs.Float64Var(&v.Noise, "noise", v.Noise, "SGF noise scale (temperature γ of the SDE); defaults to --step")
	fs.IntVar(&v.Batch, "batch", v.Batch, "SGD batch size b, 1 ≤ b ≤ n")
	fs.BoolVar(&v.Reshuffle, "reshuffle", v.Reshuffle, "SGD: walk through a fresh permutation each epoch instead of sampling batches uniformly")
	fs.Float64Var(&v.LabelNoise, "label-noise", v.LabelNoise, "lnsgd: variance δ of the fresh label noise added at every step")
	fs.Float64Var(&v.Momentum, "momentum", v.Momentum, "hb: heavy-ball momentum μ, 0 ≤ μ < 1")
	return f
}

// resolve layers the explicitly given flags over the preset or config file.
func (f *scenarioFlags) resolve() (presets.Scenario, error) {
	base, err := f.base()
	if err != nil {
		return base, err
	}
	given := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	v := f.values
	presetStep := base.Step
	override(given, "n", &base.N, v.N)
	override(given, "d", &base.D, v.D)
	override(given, "s", &base.S, v.S)
	override(given, "beta-star", &base.BetaStar, v.BetaStar)
	override(given, "features", &base.Features, v.Features)
	override(given, "label-sigma", &base.LabelSigma, v.LabelSigma)
	override(given, "seed", &base.Seed, v.Seed)
	override(given, "algo", &base.Algos, v.Algos)
	override(given, "alpha", &base.Alpha, v.Alpha)
	override(given, "step", &base.Step, v.Step)
	override(given, "noise", &base.Noise, v.Noise)
	override(given, "batch", &base.Batch, v.Batch)
	override(given, "reshuffle", &base.Reshuffle, v.Reshuffle)
	override(given, "label-noise", &base.LabelNoise, v.LabelNoise)
	override(given, "momentum", &base.Momentum, v.Momentum)
	if given["s"] && !given["beta-star"] && strings.Contains(base.BetaStar, ",") {
		base.BetaStar = "pm1" // a preset's list fixes s; a new s asks for drawn values
	}
	if given["beta-star"] && !given["s"] && strings.Contains(base.BetaStar, ",") {
		base.S = 0 // a given list fixes s
	}
	// The noise scale follows the step unless it was set on its own.
	if !given["noise"] && (base.Noise == 0 || base.Noise == presetStep) {
		base.Noise = base.Step
	}
	return base, nil
}

func override[T any](given map[string]bool, name string, dst *T, v T) {
	if given[name] {
		*dst = v
	}
}

func (f *scenarioFlags) base() (presets.Scenario, error) {
	if f.config != "" {
		sc, text, err := f.in.loadConfig(f.config)
		f.configText = text
		if err != nil {
			return sc, err
		}
		def, _ := presets.Get(presets.Default)
		return fillDefaults(sc, def), nil
	}
	return presets.Get(f.preset)
}

// fillDefaults completes a user scenario with the default scenario's values.
func fillDefaults(sc, def presets.Scenario) presets.Scenario {
	fill := func(dst *float64, v float64) {
		if *dst == 0 {
			*dst = v
		}
	}
	if sc.N == 0 && sc.D == 0 {
		sc.N, sc.D = def.N, def.D
	}
	if sc.S == 0 && sc.BetaStar == "" {
		sc.S = def.S
	}
	if sc.BetaStar == "" {
		sc.BetaStar = def.BetaStar
	}
	if sc.Features == "" {
		sc.Features = def.Features
	}
	if sc.Algos == "" {
		sc.Algos = def.Algos
	}
	if sc.Batch == 0 {
		sc.Batch = def.Batch
	}
	fill(&sc.Alpha, def.Alpha)
	fill(&sc.Step, def.Step)
	if sc.Time == 0 && sc.Steps == 0 {
		sc.Time = def.Time
	}
	return sc
}

// buildProblem generates the scenario's problem or loads --data.
func (f *scenarioFlags) buildProblem(sc presets.Scenario) (*problem.Problem, error) {
	if f.data != "" {
		if err := f.checkDataFlags(); err != nil {
			return nil, err
		}
		return f.in.loadProblem(f.data)
	}
	spec, err := problemSpec(sc)
	if err != nil {
		return nil, err
	}
	return problem.Generate(spec)
}

func problemSpec(sc presets.Scenario) (problem.Spec, error) {
	beta, err := problem.ParseBetaSpec(sc.BetaStar)
	if err != nil {
		return problem.Spec{}, err
	}
	feat, err := problem.ParseFeatureSpec(sc.Features)
	if err != nil {
		return problem.Spec{}, err
	}
	return problem.Spec{N: sc.N, D: sc.D, S: sc.S, Beta: beta, Features: feat, LabelSigma: sc.LabelSigma, Seed: sc.Seed}, nil
}

// simConfig turns a scenario into the engine's configuration for problem p.
func simConfig(sc presets.Scenario, p *problem.Problem) (sim.Config, error) {
	algos, err := sim.ParseAlgos(sc.Algos)
	if err != nil {
		return sim.Config{}, err
	}
	if !(sc.Alpha >= sim.MinAlpha && sc.Alpha <= sim.MaxAlpha) {
		return sim.Config{}, fmt.Errorf("--alpha: %v is out of range; allowed %g ≤ α ≤ %g", sc.Alpha, sim.MinAlpha, sim.MaxAlpha)
	}
	cfg := sim.Config{
		Algos: algos,
		Init:  sim.UniformInit(sc.Alpha, p.D),
		Params: sim.Params{Step: sc.Step, Noise: sc.Noise, Batch: sc.Batch, Reshuffle: sc.Reshuffle,
			LabelNoise: sc.LabelNoise, Momentum: sc.Momentum},
		Seed: sc.Seed,
	}
	if err := cfg.Params.Validate(p.N); err != nil {
		return cfg, err
	}
	return cfg, nil
}
