package live

import (
	"fmt"

	"sgdbias/presets"
	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// FromPreset turns a named scenario into a runner's scenario (what the
// explorer's preset picker loads). It checks everything the command line
// would, with the same flag names in its messages.
func FromPreset(p presets.Scenario) (Scenario, error) {
	beta, err := problem.ParseBetaSpec(p.BetaStar)
	if err != nil {
		return Scenario{}, err
	}
	feat, err := problem.ParseFeatureSpec(p.Features)
	if err != nil {
		return Scenario{}, err
	}
	algos, err := sim.ParseAlgos(p.Algos)
	if err != nil {
		return Scenario{}, err
	}
	params := sim.Params{Step: p.Step, Noise: p.Noise, Batch: p.Batch, Reshuffle: p.Reshuffle,
		LabelNoise: p.LabelNoise, Momentum: p.Momentum}
	if params.Noise == 0 {
		params.Noise = params.Step // as on the command line: the noise follows the step
	}
	if err := params.Validate(p.N); err != nil {
		return Scenario{}, err
	}
	if err := sim.UniformInit(p.Alpha, 1).Validate(1); err != nil {
		return Scenario{}, err
	}
	horizon := p.Time / p.Step
	if p.Steps > 0 {
		horizon = float64(p.Steps)
	}
	if !(horizon > 0) {
		return Scenario{}, fmt.Errorf("preset %q has no horizon (time or steps)", p.Name)
	}
	return Scenario{
		Spec:  problem.Spec{N: p.N, D: p.D, S: p.S, Beta: beta, Features: feat, LabelSigma: p.LabelSigma, Seed: p.Seed},
		Algos: algos, Alpha: p.Alpha, Params: params, Seed: p.Seed, HorizonSteps: horizon,
		Name: p.Name, Title: p.Title, About: p.About,
	}, nil
}
