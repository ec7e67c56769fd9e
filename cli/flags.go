package cli

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"sgdbias/sim/param"
	"strconv"
	"strings"
	"time"
)

// maxEcho is how much of a user's input a message repeats.
const maxEcho = 80

// clip cuts s to maxEcho characters for a message (a 200 MB argument or
// cell must not be echoed whole).
func clip(s string) string {
	if r := []rune(s); len(r) > maxEcho {
		return string(r[:maxEcho-1]) + "…"
	}
	return s
}

// flagOutput is a flag set's output: the flag package's own messages and
// usage dump are dropped, and parseFlags prints one line instead (or the
// help on stdout after -h). It also records the first value error.
type flagOutput struct {
	std      stdio
	usage    string
	valueErr error
}

func (o *flagOutput) Write(p []byte) (int, error) { return len(p), nil }

// newFlagSet makes a flag set whose errors are one line on std.err and whose
// -h prints usage, the flags and examples on std.out.
func newFlagSet(name, usage string, std stdio) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(&flagOutput{std: std, usage: usage})
	fs.Usage = func() {}
	return fs
}

// command is how messages name fs's command: "sgdbias run".
func command(fs *flag.FlagSet) string {
	if fs.Name() == "sgdbias" {
		return "sgdbias"
	}
	return "sgdbias " + fs.Name()
}

// parseFlags parses args; done is true when the command must stop now with
// code (0 after -h, 2 on a bad flag or a stray argument).
func parseFlags(fs *flag.FlagSet, args []string) (code int, done bool) {
	if code, done := parseOnly(fs, args); done {
		return code, true
	}
	if fs.NArg() > 0 {
		return flagError(fs, fmt.Sprintf("unexpected argument %q; all options are flags", clip(fs.Arg(0)))), true
	}
	return 0, false
}

// parseOnly is parseFlags for commands that take arguments after the flags.
func parseOnly(fs *flag.FlagSet, args []string) (code int, done bool) {
	out, ok := fs.Output().(*flagOutput)
	if !ok { // not made by newFlagSet: plain parsing
		if err := fs.Parse(args); err != nil {
			return 2, true
		}
		return 0, false
	}
	fs.VisitAll(func(fl *flag.Flag) {
		if _, wrapped := fl.Value.(*checkedValue); !wrapped {
			fl.Value = &checkedValue{Value: fl.Value, name: fl.Name, out: out}
		}
	})
	err := fs.Parse(args)
	switch {
	case err == nil:
		return 0, false
	case errors.Is(err, flag.ErrHelp):
		printHelp(fs, out)
		return 0, true
	case out.valueErr != nil:
		return flagError(fs, out.valueErr.Error()), true
	}
	return flagError(fs, explainParseError(fs, err)), true
}

// flagError prints one line naming the command and pointing at its help.
func flagError(fs *flag.FlagSet, msg string) int {
	out := fs.Output().(*flagOutput)
	fmt.Fprintf(out.std.err, "%s: %s; see %s -h\n", command(fs), msg, command(fs))
	return 2
}

// explainParseError rewrites the flag package's messages in the words of
// this program, with a "did you mean" for a misspelt flag.
func explainParseError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		var names []string
		fs.VisitAll(func(fl *flag.Flag) { names = append(names, fl.Name) })
		if s := suggest(name, names); s != "" {
			return fmt.Sprintf("unknown flag --%s; did you mean --%s?", clip(name), s)
		}
		return fmt.Sprintf("unknown flag --%s", clip(name))
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Sprintf("--%s needs a value", strings.TrimLeft(name, "-"))
	}
	if arg, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok {
		return fmt.Sprintf("bad flag syntax %q", clip(arg))
	}
	return clip(msg)
}

// printHelp writes the usage text, the flags and the examples on stdout.
func printHelp(fs *flag.FlagSet, out *flagOutput) {
	w := out.std.out
	fmt.Fprint(w, out.usage)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(out)
	if ex := examples[fs.Name()]; ex != "" {
		fmt.Fprintf(w, "\nExamples:\n%s", ex)
	}
}

// examples are shown at the end of each command's help.
var examples = map[string]string{
	"sgdbias": `  sgdbias                                 the default scenario (paper)
  sgdbias --preset label-noise            a named scenario; 'sgdbias presets' lists them
  sgdbias --alpha 0.01 --algo gf,sgd      smaller initialisation, GF against SGD
`,
	"run": `  sgdbias run                             the default scenario, as a table
  sgdbias run --preset large-steps --format json
  sgdbias run --algo gd,gd:step=0.05 --steps 1e5 --trace trace.csv
  sgdbias run --data problem.csv --alpha 0.1
`,
	"sweep": `  sgdbias sweep --alpha log:1e-3:1:7 --reps 3
  sgdbias sweep --preset label-noise --plot noise.svg
  sgdbias sweep --shard 0/4 --out part0.json   then: sgdbias sweep merge part*.json
`,
	"sweep merge": `  sgdbias sweep merge part0.json part1.json part2.json part3.json
`,
	"serve": `  sgdbias serve                           on 127.0.0.1:2222; students join with ssh
  sgdbias serve --listen 0.0.0.0:2222 --preset label-noise
`,
	"data": `  sgdbias data --n 20 --d 100 --out problem.json
  sgdbias data --format csv --out - | head
`,
	"presets": `  sgdbias presets
`,
}

// suggest returns the name closest to typed, if it is close enough to be a
// likely typo (edit distance ≤ 2, or a prefix of at least three letters).
func suggest(typed string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		d := editDistance(typed, n)
		if len(typed) >= 3 && strings.HasPrefix(n, typed) {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// checkedValue wraps a flag's value: integers also accept the exponent form
// (1e6), and a value that does not parse gets a message in words ("is not
// an integer"), recorded for parseFlags.
type checkedValue struct {
	flag.Value
	name string
	out  *flagOutput
}

// IsBoolFlag keeps --flag (without =true) working for booleans.
func (v *checkedValue) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// String is the wrapped value's text; the flag package also calls it on a
// zero checkedValue (to tell a default from the zero value), which wraps
// nothing.
func (v *checkedValue) String() string {
	if v.Value == nil {
		return ""
	}
	return v.Value.String()
}

// Get returns the wrapped value's value.
func (v *checkedValue) Get() any {
	if g, ok := v.Value.(flag.Getter); ok {
		return g.Get()
	}
	return v.Value.String()
}

func (v *checkedValue) Set(s string) error {
	err := v.set(s)
	if err != nil && v.out.valueErr == nil {
		v.out.valueErr = err
	}
	return err
}

func (v *checkedValue) set(s string) error {
	kind := ""
	if g, ok := v.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case int, int64:
			kind = "int"
		case uint, uint64:
			kind = "uint"
		case float64:
			kind = "float"
		case bool:
			kind = "bool"
		case time.Duration:
			kind = "duration"
		}
	}
	switch kind {
	case "int", "uint":
		n, err := parseInteger(s, kind == "uint")
		if err != nil {
			return fmt.Errorf("--%s: %q %v", v.name, clip(s), err)
		}
		s = n
	case "float":
		if f, err := strconv.ParseFloat(s, 64); errors.Is(err, strconv.ErrRange) {
			return fmt.Errorf("--%s: %q is out of range for a float64 (beyond ±1.8e308)", v.name, clip(s))
		} else if err == nil && param.Underflows(s, f) {
			return fmt.Errorf("--%s: %q %s", v.name, clip(s), param.UnderflowReason)
		} else if err != nil {
			return fmt.Errorf("--%s: %q is not a number", v.name, clip(s))
		}
	case "bool":
		if _, err := strconv.ParseBool(s); err != nil {
			return fmt.Errorf("--%s: %q is not true or false", v.name, clip(s))
		}
	case "duration":
		if _, err := time.ParseDuration(s); err != nil {
			return fmt.Errorf("--%s: %q is not a duration such as 30s or 5m", v.name, clip(s))
		}
	}
	if err := v.Value.Set(s); err != nil {
		if kind != "" {
			return fmt.Errorf("--%s: %q is out of range", v.name, clip(s))
		}
		return fmt.Errorf("--%s: %s", v.name, clip(err.Error()))
	}
	return nil
}

// parseInteger accepts decimal, 0x… and the exponent form of a whole
// number (1e6, 2.5e3), returning it as decimal digits.
func parseInteger(s string, unsigned bool) (string, error) {
	if _, err := strconv.ParseInt(s, 0, 64); err == nil {
		if unsigned && strings.HasPrefix(strings.TrimSpace(s), "-") {
			return "", errors.New("is negative; want an integer ≥ 0")
		}
		return s, nil
	}
	if unsigned {
		if _, err := strconv.ParseUint(s, 0, 64); err == nil {
			return s, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange), math.IsNaN(f), math.IsInf(f, 0) && err == nil:
		return "", errors.New("is not an integer")
	case f != math.Trunc(f):
		return "", errors.New("is not a whole number")
	case math.Abs(f) >= 1<<63 || errors.Is(err, strconv.ErrRange):
		return "", errors.New("is out of range for an integer")
	case unsigned && f < 0:
		return "", errors.New("is negative; want an integer ≥ 0")
	}
	return strconv.FormatInt(int64(f), 10), nil
}
