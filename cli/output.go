package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"sgdbias/internal/atomicfile"
	"sgdbias/sim"
)

// One overwrite rule for every command: an output file that exists is
// replaced only with --force, and refusing is bad usage (exit 2), checked
// before the work. "-" is standard output; devices and FIFOs are written
// through (see atomicfile).

// checkOutput checks an output flag's path before any work is done.
func checkOutput(flagName, path string, force bool) error {
	switch path {
	case "-":
		return nil
	case "":
		return fmt.Errorf("%s: the file name is empty; want a file name, or - for standard output", flagName)
	}
	err := atomicfile.Check(path, force)
	switch {
	case errors.Is(err, atomicfile.ErrExists):
		return fmt.Errorf("%s: %s already exists; give --force to replace it", flagName, path)
	case err != nil:
		return fmt.Errorf("%s: %v", flagName, err)
	}
	return nil
}

// writeOutput writes what fill writes to path ("-": standard output),
// atomically for files; the write stops with ctx's error when ctx ends.
func writeOutput(ctx context.Context, std stdio, path string, force bool, fill func(io.Writer) error) error {
	if path == "-" {
		return fill(ctxWriter{ctx, std.out})
	}
	return atomicfile.Write(path, force, func(w io.Writer) error { return fill(ctxWriter{ctx, w}) })
}

// outputError reports a failed write of flagName's file and returns the
// exit status: 2 for a file that appeared and may not be replaced (the one
// overwrite rule), 130 when interrupted, 1 otherwise.
func outputError(stderr io.Writer, cmd, flagName string, err error) int {
	switch {
	case errors.Is(err, atomicfile.ErrExists):
		fmt.Fprintf(stderr, "sgdbias %s: %s: %v; give --force to replace it\n", cmd, flagName, err)
		return 2
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "sgdbias %s: interrupted; %s not written\n", cmd, flagName)
		return 130
	}
	fmt.Fprintf(stderr, "sgdbias %s: %s: %v\n", cmd, flagName, err)
	return 1
}

// ctxWriter fails its writes once ctx has ended, so that writing a large
// file stops on Ctrl+C (the atomic writer then removes its temporary file).
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// planError reports an error found while building the work: an
// interruption (a --data FIFO nobody writes) exits 130, anything else is
// bad usage or input.
func planError(stderr io.Writer, cmd string, err error) int {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "%s: interrupted while reading the input\n", strings.TrimSpace("sgdbias "+cmd))
		return 130
	}
	return usageError(stderr, cmd, err)
}

// checkRunMemory refuses, before the problem is drawn, a setup whose
// problem and runs would not fit in the memory available.
func checkRunMemory(s sim.Setup, references bool) error {
	return checkRunMemoryPrinting(s, references, 0)
}

// checkRunMemoryPrinting is checkRunMemory for a run whose report keeps
// reportVectors more vectors of length d.
func checkRunMemoryPrinting(s sim.Setup, references bool, reportVectors int) error {
	n, d := s.Spec.N, s.Spec.D
	if s.Data != nil {
		n, d = s.Data.N, s.Data.D
	}
	dense := s.Data != nil && s.Data.BetaStar != nil
	need := runMemory(float64(n), float64(d), s.Algos, dense, references, reportVectors)
	what := fmt.Sprintf("n = %d, d = %d with %d algorithm", n, d, len(s.Algos))
	if len(s.Algos) != 1 {
		what += "s"
	}
	return memoryCheck(need, what, memoryAvailable)
}

// checkLoadMemory refuses, before reading it, a --data file whose parsing
// would not fit in the memory available.
func checkLoadMemory(path string) error {
	size := fileSize(path)
	return memoryCheck(loadMemory(size), fmt.Sprintf("loading %s (%s)", path, formatBytes(size)), memoryAvailable)
}
