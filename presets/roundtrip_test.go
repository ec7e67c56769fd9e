package presets

import (
	"encoding/json"
	"flag"
	"io"
	"reflect"
	"strings"
	"testing"

	"sgdbias/sim"
)

// edits are changes layered over a preset, with the edge values every
// conversion must carry: no noise, no label noise, momentum, label-noise
// variance, other features and β*, a new s over a list, reshuffling,
// variants, a step horizon, a tolerance, seed 0, the α range's ends.
func edits() map[string]Scenario {
	return map[string]Scenario{
		"as is":           {},
		"noise 0":         {Noise: &Noise{Value: 0}},
		"noise follows":   {Noise: &Noise{FollowsStep: true}},
		"noise 0.3":       {Noise: &Noise{Value: 0.3}},
		"label σ 0":       {LabelSigma: ptr(0.0)},
		"label σ 0.5":     {LabelSigma: ptr(0.5)},
		"μ 0.9":           {Momentum: ptr(0.9), Algos: "gd,hb"},
		"δ 3":             {LabelNoise: ptr(3.0), Algos: "gd,lnsgd"},
		"features aniso":  {Features: "aniso:0.5:2"},
		"β* list":         {BetaStar: "3,-2,0,1.5"},
		"s 2":             {S: ptr(2)},
		"reshuffle":       {Reshuffle: ptr(true), Algos: "sgd"},
		"variants":        {Algos: "gf,gd:step=0.01,sgf:noise=0.1"},
		"steps horizon":   {Steps: ptr(int64(123))},
		"time and steps":  {Time: ptr(7.5), Steps: ptr(int64(50))},
		"tol":             {Tol: ptr(1e-6)},
		"seed 0":          {Seed: ptr(uint64(0))},
		"α min":           {Alpha: ptr(sim.MinAlpha)},
		"α max, batch 2":  {Alpha: ptr(sim.MaxAlpha), Batch: ptr(2)},
		"step 1/3":        {Step: ptr(1.0 / 3)},
		"odd step, noise": {Step: ptr(0.1 + 0.2), Noise: &Noise{Value: 0.1 + 0.2}},
	}
}

// setupOf is the setup of a preset with an edit layered over it.
func setupOf(t *testing.T, name string, edit Scenario) (Scenario, sim.Setup) {
	t.Helper()
	base, err := Get(name)
	if err != nil {
		t.Fatal(err)
	}
	full, err := Complete(Layer(base, edit))
	if err != nil {
		t.Fatal(err)
	}
	s, err := ToSetup(full, nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return full, s
}

// The values a setup gets are the scenario's, read independently of the
// conversions' own code: the noise rule, s from a β* list, the horizon.
func TestSetupTakesTheScenarioValues(t *testing.T) {
	for _, name := range Names() {
		for what, edit := range edits() {
			full, s := setupOf(t, name, edit)
			wantNoise := *full.Step
			if !full.Noise.FollowsStep {
				wantNoise = full.Noise.Value
			}
			if s.Params.Noise != wantNoise || s.Params.Step != *full.Step || s.Alpha != *full.Alpha ||
				s.Params.Momentum != *full.Momentum || s.Params.LabelNoise != *full.LabelNoise ||
				s.Params.Reshuffle != *full.Reshuffle || s.Seed != *full.Seed || s.Spec.Seed != *full.Seed ||
				s.Spec.LabelSigma != *full.LabelSigma || s.Spec.Beta.String() != full.BetaStar {
				t.Errorf("%s, %s: setup %+v from %+v", name, what, s, full)
			}
			if n, _ := s.Spec.Check(); isList(full.BetaStar) && full.S == nil && n != countNonZeros(full.BetaStar) {
				t.Errorf("%s, %s: s = %d from the list %s", name, what, n, full.BetaStar)
			}
			if edit.Noise != nil && edit.Noise.Value == 0 && !edit.Noise.FollowsStep && s.Params.Noise != 0 {
				t.Errorf("%s: noise 0 became %v", name, s.Params.Noise)
			}
			if edit.Steps != nil && s.Horizon.Steps != *edit.Steps {
				t.Errorf("%s, %s: horizon %+v", name, what, s.Horizon)
			}
		}
	}
}

func countNonZeros(list string) int {
	n := 0
	for _, f := range strings.Split(list, ",") {
		if strings.TrimSpace(f) != "0" {
			n++
		}
	}
	return n
}

// preset → setup → JSON → setup gives the same setup, field by field: what
// the explorer's s saves loads back as it was.
func TestSetupJSONRoundTrip(t *testing.T) {
	for _, name := range Names() {
		for what, edit := range edits() {
			_, s := setupOf(t, name, edit)
			data, err := json.Marshal(FromSetup(s, Scenario{Name: "saved"}))
			if err != nil {
				t.Fatal(err)
			}
			sc, err := decode("saved.json", data)
			if err != nil {
				t.Fatalf("%s, %s: %v\n%s", name, what, err, data)
			}
			back, err := SetupOf(sc)
			if err != nil {
				t.Fatalf("%s, %s: %v\n%s", name, what, err, data)
			}
			if !reflect.DeepEqual(back, s) {
				t.Errorf("%s, %s: JSON %s\ngives %+v\nwant  %+v", name, what, data, back, s)
			}
		}
	}
}

// preset → setup → args → flags → setup gives the same setup, field by
// field: the explorer's exit line comes back to the configuration.
func TestSetupCommandLineRoundTrip(t *testing.T) {
	for _, name := range Names() {
		for what, edit := range edits() {
			_, s := setupOf(t, name, edit)
			args, err := CommandLine(FromSetup(s, Scenario{Name: name}))
			if err != nil {
				t.Fatal(err)
			}
			fs := flag.NewFlagSet("sgdbias", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			f := AddFlags(fs)
			if err := fs.Parse(args); err != nil {
				t.Fatalf("%s, %s: %v in %q", name, what, err, args)
			}
			sc, err := f.Resolve()
			if err != nil {
				t.Fatal(err)
			}
			back, err := ToSetup(sc, nil)
			if err != nil {
				t.Fatalf("%s, %s: %v in %q", name, what, err, args)
			}
			if !reflect.DeepEqual(back, s) {
				t.Errorf("%s, %s: args %q\ngive %+v\nwant %+v", name, what, args, back, s)
			}
			if what == "as is" && len(args) != 2 {
				t.Errorf("%s as is: args %q, want only --preset", name, args)
			}
		}
	}
}

// A preset's own line is its name; another preset's values are said as
// flags over the preset last loaded, never mixed with the launch preset's.
func TestCommandLineNamesThePresetInForce(t *testing.T) {
	_, s := setupOf(t, "momentum", Scenario{Momentum: ptr(0.8)})
	args, err := CommandLine(FromSetup(s, Scenario{Name: "momentum"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(args, " "); got != "--preset momentum --momentum 0.8" {
		t.Errorf("line %q", got)
	}
	// A scenario of one's own (no preset name) is said over the default.
	args, _ = CommandLine(FromSetup(s, Scenario{Name: "saved"}))
	if args[1] != Default || !strings.Contains(strings.Join(args, " "), "--momentum 0.8 --time 400") {
		t.Errorf("line %q", args)
	}
}

// Layer's rules: a new s over a β* list asks for drawn ±1 values, a new
// list without s takes s from it, and a new horizon replaces both of its
// fields.
func TestLayerRules(t *testing.T) {
	list := Scenario{BetaStar: "1,2", S: nil, Time: ptr(5.0)}
	if got := Layer(list, Scenario{S: ptr(3)}); got.BetaStar != "pm1" || *got.S != 3 {
		t.Errorf("s over a list: %+v", got)
	}
	drawn := Scenario{BetaStar: "pm1", S: ptr(5)}
	if got := Layer(drawn, Scenario{BetaStar: "1,0,2"}); got.S != nil || got.BetaStar != "1,0,2" {
		t.Errorf("a list over s: %+v", got)
	}
	if got := Layer(list, Scenario{Steps: ptr(int64(9))}); got.Time != nil || *got.Steps != 9 {
		t.Errorf("steps over time: %+v", got)
	}
	if got := Layer(Scenario{Noise: &Noise{Value: 0.02}}, Scenario{Noise: &Noise{FollowsStep: true}}); !got.Noise.FollowsStep {
		t.Errorf("noise step over a number: %+v", got.Noise)
	}
}

// "noise" is a number or "step" in JSON and on the command line; anything
// else says what is allowed.
func TestNoiseText(t *testing.T) {
	for text, want := range map[string]Noise{"step": {FollowsStep: true}, "0": {}, "0.25": {Value: 0.25}} {
		if got, err := ParseNoise(text); err != nil || got != want {
			t.Errorf("ParseNoise(%q) = %+v, %v", text, got, err)
		}
	}
	if _, err := ParseNoise("steps"); err == nil || !strings.Contains(err.Error(), `"step"`) {
		t.Errorf("ParseNoise(steps): %v", err)
	}
	var sc Scenario
	if err := json.Unmarshal([]byte(`{"noise": true}`), &sc); err == nil {
		t.Error(`"noise": true accepted`)
	}
	out, _ := json.Marshal(Scenario{Noise: &Noise{}})
	if !strings.Contains(string(out), `"noise":0`) {
		t.Errorf("noise 0 written as %s", out)
	}
}

// FuzzScenarioFile: any file decode accepts converts without a panic, and
// a scenario that converts to a setup comes back from its saved JSON as
// the same setup.
func FuzzScenarioFile(f *testing.F) {
	for _, name := range Names() {
		data, _ := files.ReadFile("scenarios/" + name + ".json")
		f.Add(data)
	}
	f.Add([]byte(`{"noise": "step", "alpha": 1e-100, "steps": 3}`))
	f.Add([]byte(`{"noise": 0, "beta_star": "1,0,-2", "s": 2, "n": 2, "d": 5}`))
	f.Add([]byte(`{"n": -1, "time": -5, "momentum": 1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := decode("f.json", data)
		if err != nil {
			return
		}
		s, err := SetupOf(sc)
		if err != nil || s.Spec.N*s.Spec.D > 1e6 {
			return
		}
		out, err := json.Marshal(FromSetup(s, Scenario{Name: "saved"}))
		if err != nil {
			t.Fatal(err)
		}
		back, err := decode("saved.json", out)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		s2, err := SetupOf(back)
		if err != nil || !reflect.DeepEqual(s, s2) {
			t.Fatalf("%v: %+v\nsaved as %s\nloads as %+v", err, s, out, s2)
		}
	})
}
