package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"golang.org/x/term"

	"sgdbias/presets"
	"sgdbias/sim/live"
	"sgdbias/ui"
)

const exploreUsage = `Usage: sgdbias [flags]

Opens the interactive explorer: the preset's algorithms (GF and SGF by
default; the a key adds GD and SGD) from the same data and initialisation,
side by side on one time axis, with the theory's levels and predicted
limits. --preset and every problem and parameter flag of 'sgdbias run'
apply. When standard output is not a terminal (or TERM is dumb), prints
the 'sgdbias run' summary of the scenario instead.
α is in the seed paper's convention: β = w₊² − w₋², w₊(0) = w₋(0) = α.
Press ? in the explorer for the keys. Other commands: run, sweep, serve,
data, presets, version ('sgdbias help').

Flags:
`

// exploreOnly are the flags of the explorer that 'run' does not know.
func exploreOnly() []string { return []string{"paused", "speed", "log-time"} }

// cmdExplore opens the explorer on the scenario the flags describe; it is
// built exactly as 'sgdbias run' builds it.
func cmdExplore(ctx context.Context, args []string, std stdio) int {
	fs := newFlagSet("sgdbias", exploreUsage, std)
	f := newRunFlags(fs)
	paused := fs.Bool("paused", false, "start with the clock stopped (space runs, n steps)")
	speed := fs.Float64("speed", 0, "clock speed in steps per second at start (0: the default scenario's interesting part takes ~20 s; inf: flat out)")
	logTime := fs.Bool("log-time", false, "start with a logarithmic time axis")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if !isTerminal(std.out) || os.Getenv("TERM") == "dumb" {
		// A dumb terminal has no alternate screen nor cursor addressing.
		return cmdRun(ctx, runArgs(fs), std)
	}
	if *speed < 0 || math.IsNaN(*speed) {
		return usageError(std.err, "", fmt.Errorf("--speed: %v is not allowed; want steps per second > 0 (inf: flat out)", *speed))
	}
	r, err := resolveSetup(inputs{ctx: ctx, stdin: std.in}, f.scenario, f.scenario.Given())
	if err != nil {
		return planError(std.err, "", err)
	}
	if err := checkAlgoFlags(f.scenario.Given(), r.setup.Algos); err != nil {
		return usageError(std.err, "", err)
	}
	if _, err := f.runOptions(r.setup.Horizon); err != nil {
		return usageError(std.err, "", err)
	}
	runner, err := live.Start(liveScenario(r), live.Options{Speed: *speed, Paused: *paused})
	if err != nil {
		return usageError(std.err, "", err)
	}
	if f, ok := std.out.(*os.File); ok {
		if dark, ok := queryDarkBackground(f, backgroundQueryTimeout); ok {
			lipgloss.SetHasDarkBackground(dark)
		}
	}
	// Main owns the signals: bubbletea's own handler would block sending
	// its message once ctx has ended the program, and shutdown waits for it.
	m, err := ui.Run(ctx, runner, ui.Options{LogTime: *logTime}, tea.WithoutSignalHandler())
	s := inForce(runner, m.Sent(), time.Second)
	runner.Stop()
	if err != nil {
		fmt.Fprintf(std.err, "sgdbias: %v\n", err)
		return 1
	}
	if line, err := ShareLine(s); err == nil {
		fmt.Fprintln(std.err, "to come back to this configuration:", line)
	}
	if ctx.Err() != nil {
		return 130 // ended by a signal, not by q: a script must see it
	}
	return 0
}

// runArgs rebuilds the arguments of 'sgdbias run' from the parsed flags,
// leaving out the explorer's own.
func runArgs(fs *flag.FlagSet) []string {
	var out []string
	fs.Visit(func(fl *flag.Flag) {
		if !slices.Contains(exploreOnly(), fl.Name) {
			out = append(out, "--"+fl.Name+"="+fl.Value.String())
		}
	})
	return out
}

// inForce is the runner's first snapshot that has applied the sent
// commands (a key pressed just before q counts), or the latest one after
// wait.
func inForce(r *live.Runner, sent uint64, wait time.Duration) *live.Snapshot {
	deadline := time.After(wait)
	for {
		changed := r.Changed()
		s := r.Snapshot()
		if s.Applied >= sent {
			return s
		}
		select {
		case <-changed:
		case <-deadline:
			return r.Snapshot()
		}
	}
}

// ShareLine is the command line that gives a snapshot's configuration
// back: the scenario now in force (the preset last loaded, the problem, α,
// the parameters, the shown runs, the horizon), written as flags over its
// preset by presets.CommandLine, and --data when the data were loaded.
func ShareLine(s *live.Snapshot) (string, error) {
	sc := s.Scenario
	args, err := presets.CommandLine(presets.FromSetup(sc.Setup, presets.Scenario{Name: sc.Name}))
	if err != nil {
		return "", err
	}
	parts := []string{"sgdbias"}
	if sc.Data != nil {
		file := sc.DataFile
		if file == "" {
			file = sc.Data.Source
		}
		parts = append(parts, "--data", file)
	}
	parts = append(parts, args...)
	for i, p := range parts {
		parts[i] = shellQuote(p)
	}
	return strings.Join(parts, " "), nil
}

// shellQuote quotes an argument for a POSIX shell when it holds anything
// but letters, digits and -_.,:=+/@%.
func shellQuote(arg string) string {
	plain := arg != "" && strings.IndexFunc(arg, func(r rune) bool {
		return !(r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_.,:=+/@%", r)))
	}) < 0
	if plain {
		return arg
	}
	return "'" + strings.ReplaceAll(arg, "'", `'\''`) + "'"
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
