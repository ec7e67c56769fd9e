package sim_test

import (
	"errors"
	"strings"
	"testing"

	"sgdbias/sim"
	"sgdbias/sim/param"
	"sgdbias/sim/problem"
)

func validSetup() sim.Setup {
	return sim.Setup{
		Spec:  problem.Spec{N: 10, D: 30, S: 3, Beta: problem.BetaSpec{Kind: "pm1"}, Features: problem.FeatureSpec{Kind: "iso"}},
		Algos: []sim.Algo{sim.GF, "gd:step=0.01"}, Alpha: 0.1, Seed: 4,
		Params:  sim.Params{Step: 0.05, Noise: 0.05, Batch: 2},
		Horizon: sim.Horizon{Time: 10},
	}
}

// Validate names the parameter at fault with the one set of bounds.
func TestSetupValidate(t *testing.T) {
	if err := validSetup().Validate(); err != nil {
		t.Fatal(err)
	}
	cases := map[param.Name]func(*sim.Setup){
		param.Algos:    func(s *sim.Setup) { s.Algos = nil },
		param.N:        func(s *sim.Setup) { s.Spec.N = 30 },
		param.Alpha:    func(s *sim.Setup) { s.Alpha = sim.MaxAlpha * 1.0001 },
		param.Step:     func(s *sim.Setup) { s.Params.Step = 0 },
		param.Batch:    func(s *sim.Setup) { s.Params.Batch = 11 },
		param.Momentum: func(s *sim.Setup) { s.Params.Momentum = 1 },
		param.Noise:    func(s *sim.Setup) { s.Algos = append(s.Algos, "sgf:noise=-1") },
		param.Time:     func(s *sim.Setup) { s.Horizon = sim.Horizon{} },
		param.Tol:      func(s *sim.Setup) { s.Horizon.Tol = -1 },
		param.Steps:    func(s *sim.Setup) { s.Horizon = sim.Horizon{Steps: 1e13} }, // K·γ = 5e11 ≤ 1e12: fine …
	}
	for want, edit := range cases {
		s := validSetup()
		edit(&s)
		err := s.Validate()
		if want == param.Steps {
			if err != nil {
				t.Errorf("1e13 steps of 0.05: %v", err)
			}
			s.Params.Step, s.Params.Noise = 1, 1 // … K·γ = 1e13 > 1e12 is not
			err = s.Validate()
		}
		var pe *param.Error
		if !errors.As(err, &pe) || pe.Param != want {
			t.Errorf("%s: got %v", want, err)
		}
	}
	for _, a := range []float64{sim.MinAlpha, sim.MaxAlpha} {
		s := validSetup()
		s.Alpha = a
		if err := s.Validate(); err != nil {
			t.Errorf("α = %g at the range's end: %v", a, err)
		}
	}
}

// End is the earlier of Time and Steps·dt; the run, the sweep and the
// explorer's clock all take it from here.
func TestHorizonEnd(t *testing.T) {
	cases := []struct {
		h    sim.Horizon
		dt   float64
		want float64
	}{
		{sim.Horizon{Time: 5}, 0.1, 5},
		{sim.Horizon{Steps: 30}, 0.1, 30 * 0.1},
		{sim.Horizon{Time: 2, Steps: 30}, 0.1, 2},
		{sim.Horizon{Time: 5, Steps: 30}, 0.1, 30 * 0.1},
	}
	for _, c := range cases {
		if got := c.h.End(c.dt); got != c.want {
			t.Errorf("%+v.End(%v) = %v, want %v", c.h, c.dt, got, c.want)
		}
	}
	if got := (sim.Horizon{Time: 5}).StepsOf(0.25); got != 20 {
		t.Errorf("StepsOf = %v", got)
	}
}

// The problem is drawn with the setup's seed, whatever Spec.Seed says.
func TestSetupProblemUsesTheSeed(t *testing.T) {
	s := validSetup()
	s.Spec.Seed = 99
	p, err := s.Problem()
	if err != nil {
		t.Fatal(err)
	}
	spec := s.Spec
	spec.Seed = s.Seed
	q, _ := problem.Generate(spec)
	for i := range p.X {
		if p.X[i] != q.X[i] {
			t.Fatal("drawn with another seed")
		}
	}
	if cfg := s.Config(p); !cfg.Init.IsUniform() || cfg.Init.D != p.D || cfg.Init.Uniform != s.Alpha || cfg.Seed != s.Seed {
		t.Errorf("config %+v", cfg)
	}
}

// A discrete run whose step is 2T or longer would take no step before the
// horizon: refused, naming the step (or, for heavy ball, the momentum that
// makes γ/(1−μ) that long); GF, which has no step, and a step count that
// ends the run first are fine.
func TestSetupRefusesZeroStepRuns(t *testing.T) {
	cases := []struct {
		algos []sim.Algo
		edit  func(*sim.Setup)
		want  param.Name // "" when valid
	}{
		{[]sim.Algo{sim.GD}, func(s *sim.Setup) { s.Params.Step, s.Params.Noise = 1e300, 1e300 }, param.Step},
		{[]sim.Algo{sim.GF}, func(s *sim.Setup) { s.Params.Step, s.Params.Noise = 20, 20 }, ""},
		{[]sim.Algo{sim.HB}, func(s *sim.Setup) { s.Params.Momentum = 0.999999 }, param.Momentum},
		{[]sim.Algo{sim.GF, "gd:step=20"}, func(*sim.Setup) {}, param.Step},
		{[]sim.Algo{sim.GD}, func(s *sim.Setup) { s.Params.Step, s.Horizon = 19.9, sim.Horizon{Time: 10} }, ""},
		{[]sim.Algo{sim.GD}, func(s *sim.Setup) { s.Params.Step, s.Horizon = 30, sim.Horizon{Time: 10, Steps: 1} }, param.Step},
	}
	for i, c := range cases {
		s := validSetup()
		s.Algos = c.algos
		c.edit(&s)
		err := s.Validate()
		var pe *param.Error
		switch {
		case c.want == "" && err != nil:
			t.Errorf("case %d: %v", i, err)
		case c.want != "" && (!errors.As(err, &pe) || pe.Param != c.want || !strings.Contains(err.Error(), "no step")):
			t.Errorf("case %d: got %v, want a %s error", i, err, c.want)
		}
	}
}
