package cli

import (
	"errors"
	"flag"
	"fmt"

	"sgdbias/presets"
	"sgdbias/sim"
	"sgdbias/sim/live"
	"sgdbias/sim/param"
	"sgdbias/sim/problem"
)

// The scenario's flags (problem, initialisation, algorithms, parameters,
// horizon) are the presets' (presets.AddFlags), shared by every command
// that builds a run and layered over a preset or a scenario file.
func addScenarioFlags(fs *flag.FlagSet) *presets.Flags { return presets.AddFlags(fs) }

// resolved is a command line's scenario: complete, in the presets' terms
// (for the words and the report), and as the engine's setup.
type resolved struct {
	sc       presets.Scenario
	setup    sim.Setup
	dataFile string // --data, as given
}

// resolveSetup turns the flags into the engine's setup, with given as the
// layer of flags (Flags.Given, or a sweep's version of it). A --data file
// is loaded here, through in; a generated problem is not drawn
// (Setup.Problem does). An error about a value read from the --config file
// names the file, line and key.
func resolveSetup(in inputs, f *presets.Flags, given presets.Scenario) (r resolved, err error) {
	var configText []byte
	f.LoadConfig = func(path string) (presets.Scenario, error) {
		sc, text, err := in.loadConfig(path)
		configText = text
		return sc, err
	}
	defer func() { err = blameConfig(err, f.Config, configText, given) }()
	sc, err := f.ResolveWith(given)
	if err != nil {
		return resolved{}, err
	}
	var data *problem.Problem
	if f.Data != "" {
		if err := checkDataFlags(given); err != nil {
			return resolved{}, err
		}
		if err := checkLoadMemory(f.Data); err != nil {
			return resolved{}, err
		}
		if data, err = in.loadProblem(f.Data); err != nil {
			return resolved{}, err
		}
		if err := sim.CheckScale(data); err != nil {
			return resolved{}, fmt.Errorf("%s: %w", data.Source, err)
		}
	}
	setup, err := presets.ToSetup(sc, data)
	return resolved{sc: sc, setup: setup, dataFile: f.Data}, err
}

// buildProblem draws the setup's problem (or returns the loaded one) and
// checks that its numbers can be trained on.
func buildProblem(s sim.Setup) (*problem.Problem, error) {
	p, err := s.Problem()
	if err != nil {
		return nil, err
	}
	if err := sim.CheckScale(p); err != nil {
		return nil, fmt.Errorf("%s: %w", p.Source, err)
	}
	return p, nil
}

// liveScenario is the explorer's scenario of a resolved command line.
func liveScenario(r resolved) live.Scenario {
	sc := live.Scenario{Setup: r.setup, Name: r.sc.Name, Title: r.sc.Title, About: r.sc.About}
	if r.setup.Data != nil {
		sc.DataFile = r.dataFile
	}
	return sc
}

// inFlagWords says a parameter error in the command line's words: the
// parameter's flag (presets.FlagName) in place of its neutral name.
func inFlagWords(err error) error {
	var pe *param.Error
	if errors.As(err, &pe) {
		return param.Rename(err, presets.FlagName)
	}
	return err
}
