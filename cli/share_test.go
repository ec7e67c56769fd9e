package cli

import (
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sgdbias/internal/atomicfile"
	"sgdbias/presets"
	"sgdbias/sim"
	"sgdbias/sim/live"
	"sgdbias/ui"
)

// exploreAndQuit starts the explorer's runner as 'sgdbias ARGS…' would,
// sends the commands (the keys a user would press), and returns the exit
// line built from the scenario in force once they are applied, and the
// scenario file s would save then.
func exploreAndQuit(t *testing.T, args []string, cmds ...func(*live.Snapshot) live.Command) (string, string) {
	t.Helper()
	fs := flag.NewFlagSet("sgdbias", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := newRunFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	res, err := resolveSetup(inputs{}, f.scenario, f.scenario.Given())
	if err != nil {
		t.Fatal(err)
	}
	r, err := live.Start(liveScenario(res), live.Options{Paused: true, ChunkSteps: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	var sent uint64
	for _, c := range cmds {
		// Each command sees the scenario the previous ones left in force.
		s := inForce(r, sent, 30e9)
		if !r.Send(c(s)) {
			t.Fatal("command dropped")
		}
		sent++
	}
	s := inForce(r, sent, 30e9)
	if s.Applied < sent {
		t.Fatalf("the runner applied %d of %d commands", s.Applied, sent)
	}
	line, err := ShareLine(s)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "saved.json")
	if err := atomicfile.Write(path, false, func(w io.Writer) error { return ui.WriteScenario(w, ui.ScenarioOf(s)) }); err != nil {
		t.Fatal(err)
	}
	return line, path
}

// runsOf is the runs and references of a 'run --format json' report, the
// part that does not name where the scenario came from.
func runsOf(t *testing.T, report string) string {
	t.Helper()
	var r struct {
		Runs       json.RawMessage `json:"runs"`
		References json.RawMessage `json:"references"`
	}
	if err := json.Unmarshal([]byte(report), &r); err != nil {
		t.Fatalf("%v in %s", err, report)
	}
	return string(r.Runs) + string(r.References)
}

// pick is the p key: load a preset as the explorer's picker does.
func pick(t *testing.T, name string) func(*live.Snapshot) live.Command {
	return func(*live.Snapshot) live.Command {
		sc, err := presets.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		setup, err := presets.SetupOf(sc)
		if err != nil {
			t.Fatal(err)
		}
		return live.LoadScenario(live.Scenario{Setup: setup, Name: sc.Name, Title: sc.Title, About: sc.About})
	}
}

// params is a live change of the parameters in force.
func params(edit func(*sim.Params)) func(*live.Snapshot) live.Command {
	return func(s *live.Snapshot) live.Command {
		p := s.Params
		edit(&p)
		return live.SetParams(p)
	}
}

// The exit line ("to come back to this configuration") and the scenario s
// saves reproduce the configuration: 'sgdbias run' on the line prints byte
// for byte what 'run' prints on the scenario the explorer showed, and
// 'run --config' on the saved file the same runs: every preset (launched, or picked
// with p), with μ, δ, noise 0 changed live and features, β*, label σ,
// reshuffle and variants given at launch.
func TestExitLineGivesTheSameRuns(t *testing.T) {
	type check struct {
		name     string
		launch   []string
		cmds     []func(*live.Snapshot) live.Command
		original []string // the 'run' flags of the scenario shown
		wants    []string // flags the line must carry
	}
	var cases []check
	for _, name := range presets.Names() {
		short := []string{"--preset", name, "--steps", "150"}
		cases = append(cases, check{name: name, launch: short, original: short})
	}
	cases = append(cases,
		check{name: "momentum picked, μ 0.5→0.8", launch: []string{"--steps", "40"},
			cmds:     []func(*live.Snapshot) live.Command{pick(t, "momentum"), params(func(p *sim.Params) { p.Momentum = 0.8 })},
			original: []string{"--preset", "momentum", "--momentum", "0.8"},
			wants:    []string{"--preset momentum", "--momentum 0.8"}},
		check{name: "label-noise picked, δ 20→5", launch: []string{"--preset", "kernel-vs-rich"},
			cmds:     []func(*live.Snapshot) live.Command{pick(t, "label-noise"), params(func(p *sim.Params) { p.LabelNoise = 5 })},
			original: []string{"--preset", "label-noise", "--label-noise", "5"},
			wants:    []string{"--preset label-noise", "--label-noise 5"}},
		check{name: "noise 0", launch: []string{"--preset", "slow-is-better", "--steps", "150"},
			cmds:     []func(*live.Snapshot) live.Command{params(func(p *sim.Params) { p.Noise = 0 })},
			original: []string{"--preset", "slow-is-better", "--steps", "150", "--noise", "0"},
			wants:    []string{"--noise 0"}},
		check{name: "features, β*, σ, reshuffle, variant",
			launch: []string{"--features", "aniso:0.5:2", "--beta-star", "3,-2,0,1", "--label-sigma", "0.1", "--reshuffle",
				"--algo", "gf,sgd,sgd:batch=4", "--seed", "9", "--alpha", "0.05", "--steps", "150"},
			original: []string{"--features", "aniso:0.5:2", "--beta-star", "3,-2,0,1", "--label-sigma", "0.1", "--reshuffle",
				"--algo", "gf,sgd,sgd:batch=4", "--seed", "9", "--alpha", "0.05", "--steps", "150"},
			wants: []string{"--features aniso:0.5:2", "--beta-star 3,-2,0,1", "--label-sigma 0.1", "--reshuffle=true",
				"--algo gf,sgd,sgd:batch=4", "--seed 9", "--alpha 0.05", "--steps 150"}},
	)
	data := filepath.Join(t.TempDir(), "my data.json") // a name the shell must quote
	if _, errs, code := invoke(t, "data", "--n", "12", "--d", "30", "--s", "3", "--seed", "5", "--out", data); code != 0 {
		t.Fatal(errs)
	}
	cases = append(cases,
		check{name: "algorithms in the order given", launch: []string{"--algo", "sgf,gf", "--steps", "150"},
			original: []string{"--algo", "sgf,gf", "--steps", "150"}, wants: []string{"--algo sgf,gf"}},
		check{name: "loaded data, α changed", launch: []string{"--data", data, "--steps", "150"},
			cmds:     []func(*live.Snapshot) live.Command{func(*live.Snapshot) live.Command { return live.SetAlpha(0.02) }},
			original: []string{"--data", data, "--steps", "150", "--alpha", "0.02"},
			wants:    []string{"--data '" + data + "'", "--alpha 0.02"}},
	)
	extra := []string{"--format", "json", "--no-timing", "--quiet", "--samples", "16", "--predict", "never"}
	for _, c := range cases {
		line, saved := exploreAndQuit(t, c.launch, c.cmds...)
		t.Logf("%s: %s", c.name, line)
		for _, w := range c.wants {
			if !strings.Contains(line, w) {
				t.Errorf("%s: the line %q lacks %q", c.name, line, w)
			}
		}
		fields := shellWords(t, line)
		if fields[0] != "sgdbias" {
			t.Fatalf("%s: %q", c.name, line)
		}
		got, errs, code := invoke(t, append(append([]string{"run"}, fields[1:]...), extra...)...)
		if code != 0 {
			t.Fatalf("%s: run %v: exit %d: %s", c.name, fields[1:], code, errs)
		}
		want, errs, code := invoke(t, append(append([]string{"run"}, c.original...), extra...)...)
		if code != 0 {
			t.Fatalf("%s: run %v: exit %d: %s", c.name, c.original, code, errs)
		}
		if got != want {
			t.Errorf("%s: the line %q gives other runs than %v:\n%s\nwant\n%s", c.name, line, c.original, got, want)
		}
		if strings.Contains(line, "--data") {
			continue // a scenario file cannot name the data: s says so in its about text
		}
		loaded, errs, code := invoke(t, append([]string{"run", "--config", saved}, extra...)...)
		if code != 0 {
			t.Fatalf("%s: run --config: exit %d: %s", c.name, code, errs)
		}
		if runsOf(t, loaded) != runsOf(t, want) {
			data, _ := os.ReadFile(saved)
			t.Errorf("%s: the saved scenario gives other runs than %v:\n%s", c.name, c.original, data)
		}
	}
}

// shellWords splits a line as a POSIX shell would, for the quoting
// ShareLine does: words separated by spaces, single-quoted text taken
// literally, and a quote inside written as quote, backslash, quote, quote.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range line {
		switch {
		case quoted && r == '\'':
			quoted = false
		case quoted:
			cur.WriteRune(r)
		case r == '\'':
			quoted, inWord = true, true
		case r == '\\':
			// only in '\'': the next rune is a quote taken literally
		case r == ' ':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unterminated quote in %q", line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
