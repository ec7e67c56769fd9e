package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"sgdbias/presets"
	"sgdbias/sim/problem"
)

const dataUsage = `Usage: sgdbias data [flags]

Writes the problem a scenario generates (X, y and β*) as JSON
{"X": [[…]], "y": […], "beta_star": […]} or as CSV with a header x1,…,xd,y,
to stdout or atomically to --out. The file can be given back with --data.

Flags:
`

func cmdData(ctx context.Context, args []string, std stdio) int {
	fs := newFlagSet("data", dataUsage, std)
	sf := addScenarioFlags(fs)
	format := fs.String("format", "", "output format: json or csv (csv has no β*); default: from the --out extension, else json")
	out := fs.String("out", "-", "write to `FILE` (atomic; an existing file is kept unless --force); - is stdout")
	force := fs.Bool("force", false, "with --out: replace an existing file")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if sf.data != "" {
		return usageError(std.err, fmt.Errorf("--data: sgdbias data writes generated problems; it does not read one"))
	}
	if *format == "" {
		*format = "json"
		if f, err := problem.FormatFromPath(*out); err == nil {
			*format = f
		}
	}
	if *format != "json" && *format != "csv" {
		return usageError(std.err, fmt.Errorf("--format: %q is not allowed; want json or csv", clip(*format)))
	}
	if err := checkOutput("--out", *out, *force); err != nil {
		return usageError(std.err, err)
	}
	sf.in = inputs{ctx: ctx, stdin: std.in}
	sc, err := sf.resolve()
	if err != nil {
		return planError(std.err, "data", sf, err)
	}
	need := memBase + memPerEntry*float64(sc.N)*float64(sc.D) + memPerCoord*float64(sc.D)
	if err := memoryCheck(need, fmt.Sprintf("n = %d, d = %d", sc.N, sc.D), memoryAvailable); err != nil {
		return usageError(std.err, err)
	}
	p, err := cancellable(ctx, func() (*problem.Problem, error) { return sf.buildProblem(sc) })
	if err != nil {
		return planError(std.err, "data", sf, err)
	}
	err = writeOutput(ctx, std, *out, *force, func(w io.Writer) error { return problem.Write(w, p, *format) })
	if err != nil {
		return outputError(std.err, "data", "--out", err)
	}
	if *out != "-" {
		fmt.Fprintf(std.err, "wrote %s (n=%d, d=%d, %s)\n", *out, p.N, p.D, *format)
	}
	return 0
}

func cmdPresets(args []string, std stdio) int {
	fs := newFlagSet("presets", "Usage: sgdbias presets\n\nLists the named scenarios and what each shows.\n", std)
	if code, done := parseFlags(fs, args); done {
		return code
	}
	for _, name := range presets.Names() {
		sc, err := presets.Get(name)
		if err != nil {
			fmt.Fprintf(std.err, "sgdbias presets: %v\n", err)
			return 1
		}
		fmt.Fprintf(std.out, "%s — %s\n", name, sc.Title)
		for _, line := range strings.Split(ansi.Wordwrap(sc.About, 74, ""), "\n") {
			fmt.Fprintf(std.out, "    %s\n", line)
		}
		fmt.Fprintln(std.out)
	}
	fmt.Fprintln(std.out, "Use one with: sgdbias --preset NAME (the explorer) or sgdbias run --preset NAME.")
	return 0
}
