// Package cli implements the sgdbias command line: it parses flags, resolves
// presets, and wires them to the engine (sim), the presets and the explorer
// (ui); it prints tables, JSON and CSV, and progress on stderr.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"

	"sgdbias/internal/quietterm"
)

// stdio is where a command reads and writes.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

const mainUsage = `sgdbias explores the implicit bias of (stochastic) gradient methods on
diagonal linear networks: GF, GD, SGF (the seed paper's SDE) and SGD from the
same data and initialisation, with the theory's predicted limits beside them.

Usage:
  sgdbias [flags]            open the explorer on the default scenario
  sgdbias run [flags]        run a scenario headless and print its results
  sgdbias sweep [flags]      run a grid of scenarios over several data seeds
  sgdbias serve [flags]      serve the explorer over SSH (lecture mode)
  sgdbias data [flags]       write a generated problem as JSON or CSV
  sgdbias presets            list the named scenarios
  sgdbias version            print the version (also: sgdbias --version)

Run 'sgdbias help COMMAND' or 'sgdbias COMMAND -h' for the flags of a
command, with examples.
α follows the seed paper's convention: β = w₊² − w₋², w₊(0) = w₋(0) = α.
`

// Main runs the command line and returns the exit status. It alone owns
// the signals: SIGINT, SIGTERM and SIGHUP (a closed terminal or a dropped
// ssh connection) end ctx, and every command, the explorer included, stops
// on it and keeps what is finished; a second signal ends the program at once.
func Main(args []string) int {
	quietterm.Restore()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl+C ends the program at once
	}()
	return run(ctx, args, stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
}

// commands are the subcommands, for messages and suggestions.
var commands = []string{"run", "sweep", "serve", "data", "presets", "version", "help"}

func run(ctx context.Context, args []string, std stdio) int {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = []string{"version"}
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return cmdExplore(ctx, args, std)
	}
	switch args[0] {
	case "run":
		return cmdRun(ctx, args[1:], std)
	case "sweep":
		return cmdSweep(ctx, args[1:], std)
	case "serve":
		return cmdServe(ctx, args[1:], std)
	case "data":
		return cmdData(ctx, args[1:], std)
	case "presets":
		return cmdPresets(args[1:], std)
	case "version":
		return cmdVersion(args[1:], std)
	case "help":
		return cmdHelp(ctx, args[1:], std)
	}
	msg := fmt.Sprintf("sgdbias: unknown command %q", clip(args[0]))
	if s := suggest(args[0], commands); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	fmt.Fprintf(std.err, "%s; allowed: %s (see sgdbias help)\n", msg, strings.Join(commands, ", "))
	return 2
}

// cmdHelp prints the overview, or with a command name that command's help,
// on stdout.
func cmdHelp(ctx context.Context, args []string, std stdio) int {
	switch {
	case len(args) == 0:
		fmt.Fprint(std.out, mainUsage)
		return 0
	case args[0] == "help":
		fmt.Fprint(std.out, mainUsage)
		return 0
	case slices.Contains(commands, args[0]):
		return run(ctx, append(slices.Clone(args), "-h"), std)
	case args[0] == "explore" || args[0] == "sgdbias":
		return cmdExplore(ctx, []string{"-h"}, std)
	}
	return run(ctx, args[:1], std) // the unknown-command message
}

// Version is the module version or VCS revision of this build.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (built from source)"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	if rev == "" {
		return "unknown (built from source)"
	}
	return rev[:min(12, len(rev))] + modified
}

// usageError reports bad usage or input and returns exit status 2.
func usageError(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "sgdbias: %v\n", inFlagWords(err))
	return 2
}

const versionUsage = `Usage: sgdbias version

Prints the program's version (also: sgdbias --version). It takes no
arguments.
`

// cmdVersion implements `sgdbias version`: -h prints its usage, anything
// else given is refused rather than ignored.
func cmdVersion(args []string, std stdio) int {
	fs := newFlagSet("version", versionUsage, std)
	if code, done := parseFlags(fs, args); done {
		return code
	}
	fmt.Fprintln(std.out, "sgdbias", Version())
	return 0
}
