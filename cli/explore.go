package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"golang.org/x/term"

	"sgdbias/sim/live"
	"sgdbias/ui"
)

const exploreUsage = `Usage: sgdbias [flags]

Opens the interactive explorer: the preset's algorithms (GF and SGF by
default; the a key adds GD and SGD) from the same data and initialisation,
side by side on one time axis, with the theory's levels and predicted
limits. --preset and every problem and parameter flag of 'sgdbias run'
apply. When standard output is not a terminal, prints the 'sgdbias run'
summary of the scenario instead.
α is in the seed paper's convention: β = w₊² − w₋², w₊(0) = w₋(0) = α.
Press ? in the explorer for the keys. Other commands: run, sweep, serve,
data, presets, version ('sgdbias help').

Flags:
`

// exploreOnly are the flags of the explorer that 'run' does not know.
var exploreOnly = []string{"paused", "speed", "log-time"}

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
	if !isTerminal(std.out) {
		return cmdRun(ctx, runArgs(fs), std)
	}
	f.scenario.in = inputs{ctx: ctx, stdin: std.in}
	plan, _, err := f.plan(fs)
	if err != nil {
		return planError(std.err, "", f.scenario, err)
	}
	if *speed < 0 || math.IsNaN(*speed) {
		return usageError(std.err, fmt.Errorf("--speed: %v is not allowed; want steps per second > 0 (inf: flat out)", *speed))
	}
	scenario, err := exploreScenario(fs, f, plan)
	if err != nil {
		return usageError(std.err, err)
	}
	runner, err := live.Start(scenario, live.Options{Speed: *speed, Paused: *paused})
	if err != nil {
		return usageError(std.err, err)
	}
	// Main owns the signals: bubbletea's own handler would block sending
	// its message once ctx has ended the program, and shutdown waits for it.
	m, err := ui.Run(ctx, runner, ui.Options{LogTime: *logTime}, tea.WithoutSignalHandler())
	runner.Stop()
	if err != nil {
		fmt.Fprintf(std.err, "sgdbias: %v\n", err)
		return 1
	}
	if s := m.LastSnapshot(); s != nil {
		fmt.Fprintln(std.err, "to come back to this configuration:", ShareLine(args, s))
	}
	return 0
}

// exploreScenario turns a resolved run plan into the explorer's scenario:
// the preset's algorithms (GF and SGF for the default one) or --algo.
func exploreScenario(fs *flag.FlagSet, f *runFlags, plan runPlan) (live.Scenario, error) {
	sc := live.Scenario{
		Algos:  slices.Clone(plan.cfg.Algos),
		Alpha:  plan.cfg.Init.Alpha[0],
		Params: plan.cfg.Params,
		Seed:   plan.cfg.Seed,
	}
	h := plan.opts.Horizon
	switch {
	case h.Steps > 0:
		sc.HorizonSteps = float64(h.Steps)
	case h.Time > 0:
		sc.HorizonSteps = h.Time / plan.cfg.Params.Step
	}
	resolved, err := f.scenario.resolve()
	if err != nil {
		return sc, err
	}
	sc.Name, sc.Title, sc.About = resolved.Name, resolved.Title, resolved.About
	if f.scenario.data != "" {
		sc.Data = plan.prob
		return sc, nil
	}
	spec, err := problemSpec(resolved)
	if err != nil {
		return sc, err
	}
	sc.Spec = spec
	return sc, nil
}

// runArgs rebuilds the arguments of 'sgdbias run' from the parsed flags,
// leaving out the explorer's own.
func runArgs(fs *flag.FlagSet) []string {
	var out []string
	fs.Visit(func(fl *flag.Flag) {
		if !slices.Contains(exploreOnly, fl.Name) {
			out = append(out, "--"+fl.Name+"="+fl.Value.String())
		}
	})
	return out
}

// ShareLine is the command line that reproduces a snapshot's
// configuration: the original arguments, then the values changed in the
// explorer (a later flag wins).
func ShareLine(args []string, s *live.Snapshot) string {
	parts := append([]string{"sgdbias"}, args...)
	p := s.Problem
	if !p.Loaded {
		parts = append(parts, "--n", strconv.Itoa(p.N), "--d", strconv.Itoa(p.D), "--s", strconv.Itoa(p.S))
	}
	parts = append(parts, "--seed", strconv.FormatUint(p.Seed, 10),
		"--alpha", num(s.Alpha), "--step", num(s.Params.Step), "--noise", num(s.Params.Noise),
		"--batch", strconv.Itoa(s.Params.Batch))
	var algos []string
	for _, r := range s.Enabled() {
		algos = append(algos, string(r.Algo))
	}
	parts = append(parts, "--algo", strings.Join(algos, ","))
	return strings.Join(parts, " ")
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
