package presets

import (
	"strings"

	"sgdbias/sim"
	"sgdbias/sim/param"
	"sgdbias/sim/problem"
)

// ToSetup turns a complete scenario (see Complete) into the engine's setup
// and validates it. data, when not nil, is the problem (a loaded file) and
// the scenario's problem fields are ignored.
func ToSetup(sc Scenario, data *problem.Problem) (sim.Setup, error) {
	if err := missing(sc, data == nil); err != nil {
		return sim.Setup{}, err
	}
	algos, err := sim.ParseAlgos(sc.Algos)
	if err != nil {
		return sim.Setup{}, err
	}
	s := sim.Setup{
		Data: data, Algos: algos, Alpha: *sc.Alpha, Seed: *sc.Seed,
		Params: sim.Params{Step: *sc.Step, Batch: *sc.Batch, Reshuffle: *sc.Reshuffle,
			LabelNoise: *sc.LabelNoise, Momentum: *sc.Momentum},
		Horizon: sim.Horizon{Tol: *sc.Tol},
	}
	if sc.Noise == nil {
		return s, param.Errorf(param.Noise, "", "is not set", "a number ≥ 0 or %q", NoiseStep)
	}
	s.Params.Noise = sc.Noise.Of(s.Params.Step)
	if sc.Time != nil {
		if !(*sc.Time > 0) {
			return s, param.OutOfRange(param.Time, *sc.Time, "0 < T ≤ 1e12")
		}
		s.Horizon.Time = *sc.Time
	}
	if sc.Steps != nil {
		if *sc.Steps < 1 {
			return s, param.OutOfRange(param.Steps, *sc.Steps, "1 ≤ K ≤ 1e13")
		}
		s.Horizon.Steps = *sc.Steps
	}
	if data == nil {
		if s.Spec, err = problemSpec(sc); err != nil {
			return s, err
		}
	}
	return s, s.Validate()
}

// SetupOf is the setup of a scenario with generated data, completed over
// the default scenario (what loading a preset in the explorer starts).
func SetupOf(sc Scenario) (sim.Setup, error) {
	full, err := Complete(sc)
	if err != nil {
		return sim.Setup{}, err
	}
	return ToSetup(full, nil)
}

// missing names the first field a complete scenario must have and sc lacks.
func missing(sc Scenario, generated bool) error {
	need := []struct {
		name param.Name
		set  bool
	}{
		{param.Algos, sc.Algos != ""}, {param.Alpha, sc.Alpha != nil}, {param.Step, sc.Step != nil},
		{param.Batch, sc.Batch != nil}, {param.Seed, sc.Seed != nil}, {param.Reshuffle, sc.Reshuffle != nil},
		{param.LabelNoise, sc.LabelNoise != nil}, {param.Momentum, sc.Momentum != nil}, {param.Tol, sc.Tol != nil},
		{param.Time, sc.Time != nil || sc.Steps != nil},
	}
	if generated {
		need = append(need, []struct {
			name param.Name
			set  bool
		}{{param.N, sc.N != nil}, {param.D, sc.D != nil}, {param.BetaStar, sc.BetaStar != ""},
			{param.Features, sc.Features != ""}, {param.LabelSigma, sc.LabelSigma != nil}}...)
	}
	for _, f := range need {
		if !f.set {
			return param.Errorf(f.name, "", "is not set", "a value in the scenario or on the command line")
		}
	}
	return nil
}

func problemSpec(sc Scenario) (problem.Spec, error) {
	beta, err := problem.ParseBetaSpec(sc.BetaStar)
	if err != nil {
		return problem.Spec{}, err
	}
	feat, err := problem.ParseFeatureSpec(sc.Features)
	if err != nil {
		return problem.Spec{}, err
	}
	spec := problem.Spec{N: *sc.N, D: *sc.D, Beta: beta, Features: feat, LabelSigma: *sc.LabelSigma, Seed: *sc.Seed}
	if sc.S != nil {
		spec.S = *sc.S
	}
	return spec, nil
}

// FromSetup is the complete scenario of a setup, named and described by
// meta: every field is set (a noise equal to the step follows it, as the
// explorer's does), but the problem's fields when the data were loaded (a scenario
// cannot name a data file). ToSetup(FromSetup(s)) gives s back.
func FromSetup(s sim.Setup, meta Scenario) Scenario {
	p := s.Params
	algos := make([]string, len(s.Algos))
	for i, a := range s.Algos {
		algos[i] = string(a)
	}
	sc := Scenario{
		Name: meta.Name, Title: meta.Title, About: meta.About, Sweep: meta.Sweep,
		Seed: ptr(s.Seed), Algos: strings.Join(algos, ","), Alpha: ptr(s.Alpha),
		Step: ptr(p.Step), Batch: ptr(p.Batch), Reshuffle: ptr(p.Reshuffle),
		LabelNoise: ptr(p.LabelNoise), Momentum: ptr(p.Momentum), Tol: ptr(s.Horizon.Tol),
	}
	sc.Noise = &Noise{Value: p.Noise}
	if p.Noise == p.Step {
		sc.Noise = &Noise{FollowsStep: true}
	}
	if s.Horizon.Time > 0 {
		sc.Time = ptr(s.Horizon.Time)
	}
	if s.Horizon.Steps > 0 {
		sc.Steps = ptr(s.Horizon.Steps)
	}
	if s.Data == nil {
		sp := s.Spec
		sc.N, sc.D, sc.LabelSigma = ptr(sp.N), ptr(sp.D), ptr(sp.LabelSigma)
		sc.BetaStar, sc.Features = sp.Beta.String(), sp.Features.String()
		if sp.S != 0 || !isList(sc.BetaStar) {
			sc.S = ptr(sp.S)
		}
	}
	return sc
}
