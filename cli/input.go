package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"sgdbias/presets"
	"sgdbias/sim"
	"sgdbias/sim/param"
	"sgdbias/sim/problem"
)

// inputs is where a command's files come from: "-" is standard input, and
// every read stops when ctx ends (a FIFO with no writer, a huge file).
type inputs struct {
	ctx   context.Context // the command's; kept here because flags resolve lazily
	stdin io.Reader
}

func (in inputs) context() context.Context {
	if in.ctx == nil {
		return context.Background()
	}
	return in.ctx
}

// loadProblem reads --data.
func (in inputs) loadProblem(path string) (*problem.Problem, error) {
	if path == "-" {
		return cancellable(in.context(), func() (*problem.Problem, error) { return problem.Read("stdin", in.reader()) })
	}
	return cancellable(in.context(), func() (*problem.Problem, error) { return problem.Load(path) })
}

// loadConfig reads --config and returns the scenario with the file's text,
// for messages that point into it.
func (in inputs) loadConfig(path string) (presets.Scenario, []byte, error) {
	type loaded struct {
		sc   presets.Scenario
		text []byte
	}
	got, err := cancellable(in.context(), func() (loaded, error) {
		var r io.Reader = in.reader()
		name := "stdin"
		if path != "-" {
			f, err := os.Open(path)
			if err != nil {
				return loaded{}, fmt.Errorf("--config: %w", err)
			}
			defer f.Close()
			r, name = f, path
		}
		var text bytes.Buffer
		sc, err := presets.Read(name, io.TeeReader(r, &text))
		return loaded{sc, text.Bytes()}, err
	})
	return got.sc, got.text, err
}

func (in inputs) reader() io.Reader {
	if in.stdin == nil {
		return os.Stdin
	}
	return in.stdin
}

// cancellable runs load and returns its result, or ctx's error as soon as
// ctx ends: opening a FIFO that nobody writes blocks in the kernel, and a
// large file takes seconds to parse. An abandoned load finishes (or stays
// blocked) in the background; the command is ending anyway.
func cancellable[T any](ctx context.Context, load func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := load()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// generatorFlags describe generated data; with --data they would be ignored.
var generatorFlags = []param.Name{param.N, param.D, param.S, param.BetaStar, param.Features, param.LabelSigma}

// checkDataFlags refuses generator flags given together with --data.
func checkDataFlags(given presets.Scenario) error {
	keys := givenKeys(given)
	var flags []string
	for _, name := range generatorFlags {
		if keys[string(name)] {
			flags = append(flags, presets.FlagName(name))
		}
	}
	if len(flags) > 0 {
		return fmt.Errorf("%s: describes generated data, but --data loads the problem from a file; drop one or the other", strings.Join(flags, ", "))
	}
	return nil
}

// algoFlags are the flags that only some algorithms read, with the
// parameter (pin key) each sets; --reshuffle goes with the batch. --step is
// not one: GF reads it too, as the time scale of a --steps horizon.
var algoFlags = []struct {
	name param.Name
	key  string
}{{param.Noise, "noise"}, {param.Batch, "batch"}, {param.Reshuffle, "batch"},
	{param.LabelNoise, "label-noise"}, {param.Momentum, "momentum"}}

// checkAlgoFlags refuses a flag given on the command line that no algorithm
// of --algo reads (a variant that pins the parameter does not read it): it
// would change nothing while the header says it was set. Only the flags
// given count, so a preset's own momentum under other algorithms is no
// error.
func checkAlgoFlags(given presets.Scenario, algos []sim.Algo) error {
	keys := givenKeys(given)
	for _, f := range algoFlags {
		if !keys[string(f.name)] || slices.ContainsFunc(algos, func(a sim.Algo) bool { return a.ReadsParam(f.key) }) {
			continue
		}
		readers := sim.ParamReaders(f.key)
		return fmt.Errorf("%s: only %s %s it, and --algo runs %s; add one of them to --algo or drop the flag",
			presets.FlagName(f.name), algoList(readers), readVerb(len(readers)), algoList(algos))
	}
	return nil
}

// algoList names algorithms as --algo takes them, cut for an echo.
func algoList(algos []sim.Algo) string {
	names := make([]string, len(algos))
	for i, a := range algos {
		names[i] = string(a)
	}
	return clip(strings.Join(names, ","))
}

// readVerb agrees "read" with the number of algorithms that read a flag.
func readVerb(readers int) string {
	if readers == 1 {
		return "reads"
	}
	return "read"
}

// runOnlyFlags set how the algorithms run, not the problem.
var runOnlyFlags = []param.Name{param.Algos, param.Alpha, param.Step, param.Noise, param.Batch, param.Reshuffle,
	param.LabelNoise, param.Momentum, param.Time, param.Steps, param.Tol}

// checkProblemFlags refuses flags that set how algorithms run given to a
// command that only draws the problem.
func checkProblemFlags(given presets.Scenario) error {
	keys := givenKeys(given)
	var flags []string
	for _, name := range runOnlyFlags {
		if keys[string(name)] {
			flags = append(flags, presets.FlagName(name))
		}
	}
	if len(flags) > 0 {
		what := "sets how the algorithms run, but sgdbias data only writes the problem; drop it"
		if len(flags) > 1 {
			what = "set how the algorithms run, but sgdbias data only writes the problem; drop them"
		}
		return fmt.Errorf("%s: %s", strings.Join(flags, ", "), what)
	}
	return nil
}

// givenKeys are the scenario keys set in a layer of flags (its fields not
// set are left out of its JSON).
func givenKeys(given presets.Scenario) map[string]bool {
	keys := map[string]bool{}
	text, err := json.Marshal(given)
	if err != nil {
		return keys
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(text, &fields) == nil {
		for k := range fields {
			keys[k] = true
		}
	}
	return keys
}

// flagMessage matches an error about a flag: "--alpha: …".
var flagMessage = regexp.MustCompile(`^--([a-z-]+): (.*)$`)

// blameConfig rewrites an error about a setting that came from the
// --config file (not from a flag on the command line) to name the file,
// line and key: "s.json:3: alpha: -1 is out of range…" instead of
// "--alpha: …".
func blameConfig(err error, file string, text []byte, given presets.Scenario) error {
	if err == nil || text == nil || errors.Is(err, context.Canceled) {
		return err
	}
	m := flagMessage.FindStringSubmatch(inFlagWords(err).Error())
	if m == nil {
		return err
	}
	key := strings.ReplaceAll(m[1], "-", "_")
	if key == "algo" {
		key = string(param.Algos)
	}
	if givenKeys(given)[key] {
		return err
	}
	at := bytes.Index(text, []byte(`"`+key+`"`))
	if at < 0 {
		return err
	}
	line := 1 + bytes.Count(text[:at], []byte("\n"))
	return fmt.Errorf("%s:%d: %s: %s", file, line, key, m[2])
}
