package sim

import (
	"fmt"
	"math"
	"slices"

	"sgdbias/sim/param"
	"sgdbias/sim/problem"
)

// Setup is one scenario in the engine's terms, whichever front end it came
// from (a scenario file, the command line, the explorer): the problem, the
// algorithms, the initialisation scale, the parameters, the seed and the
// horizon. Every field is set; the rules that fill a partial scenario (the
// noise follows the step, a preset's defaults) belong to the front ends.
type Setup struct {
	// Spec draws the problem, with Seed as its data seed; ignored when Data
	// is set.
	Spec problem.Spec
	// Data is a loaded problem: n, d, β* and the data are then fixed.
	Data *problem.Problem
	// Algos are the runs, plain algorithms or variants (see Pin).
	Algos []Algo
	// Alpha is the initialisation scale: w₊(0) = w₋(0) = α in every
	// coordinate (§1).
	Alpha  float64
	Params Params
	// Seed fixes every random draw of SGD, SGF and LNSGD; with generated
	// data it is also the data seed.
	Seed    uint64
	Horizon Horizon
}

// Problem builds the setup's problem: Data, or Spec drawn with Seed.
func (s Setup) Problem() (*problem.Problem, error) {
	if s.Data != nil {
		return s.Data, nil
	}
	spec := s.Spec
	spec.Seed = s.Seed
	return problem.Generate(spec)
}

// N is the number of samples, which bounds the batch size.
func (s Setup) N() int {
	if s.Data != nil {
		return s.Data.N
	}
	return s.Spec.N
}

// Config is the engine's configuration of the setup's runs on p (its
// Problem): the scalar α becomes a uniform initialisation of p's d
// coordinates, still a scalar (no vector of length d).
func (s Setup) Config(p *problem.Problem) Config {
	return Config{Algos: s.Algos, Init: UniformInit(s.Alpha, p.D), Params: s.Params, Seed: s.Seed}
}

// Validate checks every field against the one set of bounds all entry
// points share. Errors are *param.Error. The problem's spec is checked
// without drawing it.
func (s Setup) Validate() error {
	if len(s.Algos) == 0 {
		return param.Errorf(param.Algos, "", "none selected", "at least one of gf, gd, sgf, sgd, lnsgd, hb")
	}
	for i, a := range s.Algos {
		if _, err := parseAlgo(string(a)); err != nil {
			return err
		}
		if slices.Contains(s.Algos[:i], a) {
			return duplicateRun(a)
		}
	}
	if s.Data == nil {
		if _, err := s.Spec.Check(); err != nil {
			return err
		}
	}
	if err := CheckAlpha(s.Alpha); err != nil {
		return err
	}
	if err := s.Params.Validate(s.N()); err != nil {
		return err
	}
	for _, a := range s.Algos {
		if a == a.Base() {
			continue
		}
		if err := a.Pinned(s.Params).Validate(s.N()); err != nil {
			return fmt.Errorf("%s: %w", a, err) // a variant's own parameters
		}
	}
	if err := s.Horizon.Validate(); err != nil {
		return err
	}
	if err := s.checkStepsDue(); err != nil {
		return err
	}
	return s.Horizon.CheckEnd(s.Params.Step)
}

// checkStepsDue refuses a discrete run that would take no step before the
// horizon: a method stops at the first step within half a step of its end
// (Method.AdvanceTo), so a step of 2T or more takes none and its "result"
// would be the initialisation. GF has no step.
func (s Setup) checkStepsDue() error {
	h := s.Horizon
	for _, a := range s.Algos {
		p := a.Pinned(s.Params)
		dt := TimePerStep(a, p)
		if a.Base() == GF || h.Time <= 0 || (h.Steps > 0 && float64(h.Steps)*dt <= h.Time) {
			continue // no step, or the step count ends the run first
		}
		if dt < 2*h.Time {
			continue
		}
		reason := fmt.Sprintf("takes no step before the horizon T = %g", h.Time)
		err := param.Errorf(param.Step, p.Step, reason, "γ < 2T")
		if a.Base() == HB {
			err = param.Errorf(param.Momentum, p.Momentum, fmt.Sprintf("makes heavy ball's step γ/(1−μ) = %.3g, which %s", dt, reason), "γ/(1−μ) < 2T")
		}
		if a != a.Base() {
			return fmt.Errorf("%s: %w", a, err) // a variant's own parameters
		}
		return err
	}
	return nil
}

// Horizon says when a run stops: at continuous time Time, after Steps steps
// (GF: at time Steps·γ), whichever comes first, or as soon as the training
// loss is ≤ Tol. Time and Steps are positive when set (0 is "not set"); at
// least one of them is set. Tol 0 runs to the end.
type Horizon struct {
	Time  float64 `json:"time,omitempty"`
	Steps int64   `json:"steps,omitempty"`
	Tol   float64 `json:"tol"`
}

// The horizon's bounds (the messages write them 1e12 and 1e13): beyond
// MaxTime GF's work (which grows with the continuous time, whatever γ is)
// is out of reach; MaxSteps bounds a run's step count.
const (
	MaxTime  = 1e12
	MaxSteps = 1e13
)

// End is the continuous time at which a run whose steps advance time by dt
// (γ, or γ/(1−μ) for heavy ball: TimePerStep) stops at the latest.
func (h Horizon) End(dt float64) float64 {
	end := h.Time
	if h.Steps > 0 {
		end = float64(h.Steps) * dt
		if h.Time > 0 {
			end = math.Min(end, h.Time)
		}
	}
	return end
}

// Validate checks the horizon's fields.
func (h Horizon) Validate() error {
	switch {
	case !(h.Time >= 0 && h.Time <= MaxTime):
		return param.OutOfRange(param.Time, h.Time, "0 < T ≤ 1e12")
	case h.Steps < 0 || h.Steps > MaxSteps:
		return param.OutOfRange(param.Steps, h.Steps, "1 ≤ K ≤ 1e13")
	case h.Time == 0 && h.Steps == 0:
		return param.Errorf(param.Time, "", "the horizon is not set", "a time 0 < T ≤ 1e12 or a step count 1 ≤ K ≤ 1e13")
	case !(h.Tol >= 0 && h.Tol < 1e300):
		return param.Errorf(param.Tol, h.Tol, "", "a finite number ≥ 0")
	}
	return nil
}

// CheckEnd bounds the continuous time a run with step γ reaches (K·γ for a
// step count), since GF's work grows with it whatever γ is.
func (h Horizon) CheckEnd(step float64) error {
	if end := h.End(step); end > MaxTime {
		return param.Errorf(param.Steps, h.Steps, fmt.Sprintf("steps of γ = %g reach time %.3g", step, end),
			"up to time 1e12 (fewer steps, a smaller γ, or a time)")
	}
	return nil
}

// StepsOf is the horizon in steps of γ, for pacing a clock.
func (h Horizon) StepsOf(step float64) float64 {
	return h.End(step) / step
}
