// Package cli implements the sgdbias command line: it parses flags, resolves
// presets, and wires them to the engine (sim), the presets and the explorer
// (ui); it prints tables, JSON and CSV, and progress on stderr.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
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
  sgdbias version            print the version

Run 'sgdbias COMMAND -h' for the flags of a command.
α follows the seed paper's convention: β = w₊² − w₋², w₊(0) = w₋(0) = α.
`

// Main runs the command line and returns the exit status.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl+C ends the program at once
	}()
	return run(ctx, args, stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
}

func run(ctx context.Context, args []string, std stdio) int {
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
		return cmdData(args[1:], std)
	case "presets":
		return cmdPresets(args[1:], std)
	case "version":
		fmt.Fprintln(std.out, "sgdbias", Version())
		return 0
	case "help":
		fmt.Fprint(std.out, mainUsage)
		return 0
	}
	fmt.Fprintf(std.err, "sgdbias: unknown command %q; allowed: run, sweep, serve, data, presets, version, help\n\n%s", args[0], mainUsage)
	return 2
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

func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; done is true when the command must stop now with
// code (0 after -h, 2 on a bad flag or a stray argument).
func parseFlags(fs *flag.FlagSet, args []string) (code int, done bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "sgdbias %s: unexpected argument %q; all options are flags (see -h)\n", fs.Name(), fs.Arg(0))
		return 2, true
	}
	return 0, false
}

// usageError reports bad usage or input and returns exit status 2.
func usageError(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "sgdbias: %v\n", flagError(err))
	return 2
}
