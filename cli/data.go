package cli

import (
	"context"
	"encoding/json"
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
	if sf.Data != "" {
		return usageError(std.err, "data", fmt.Errorf("--data: sgdbias data writes generated problems; it does not read one"))
	}
	if err := checkProblemFlags(sf.Given()); err != nil {
		return usageError(std.err, "data", err)
	}
	if *format == "" {
		*format = "json"
		if f, err := problem.FormatFromPath(*out); err == nil {
			*format = f
		}
	}
	if *format != "json" && *format != "csv" {
		return usageError(std.err, "data", fmt.Errorf("--format: %q is not allowed; want json or csv", clip(*format)))
	}
	if err := checkOutput("--out", *out, *force); err != nil {
		return usageError(std.err, "data", err)
	}
	r, err := resolveSetup(inputs{ctx: ctx, stdin: std.in}, sf, sf.Given())
	if err != nil {
		return planError(std.err, "data", err)
	}
	n, d := float64(r.setup.Spec.N), float64(r.setup.Spec.D)
	if err := memoryCheck(memBase+memPerEntry*n*d+memPerCoord*d, fmt.Sprintf("n = %.0f, d = %.0f", n, d), memoryAvailable); err != nil {
		return usageError(std.err, "data", err)
	}
	p, err := cancellable(ctx, func() (*problem.Problem, error) { return buildProblem(r.setup) })
	if err != nil {
		return planError(std.err, "data", err)
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

const presetsUsage = `Usage: sgdbias presets [--format text|json]

Lists the named scenarios and what each shows. --format json prints them as
a JSON array of scenarios in the format --config reads (name, title, about,
the problem, the algorithms, their parameters, the horizon and the sweep
grids), for scripts.
`

func cmdPresets(args []string, std stdio) int {
	fs := newFlagSet("presets", presetsUsage, std)
	format := fs.String("format", "text", "output `FORMAT`: text or json")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if *format != "text" && *format != "json" {
		return usageError(std.err, "data", fmt.Errorf("--format: %q is not allowed; want text or json", *format))
	}
	var all []presets.Scenario
	for _, name := range presets.Names() {
		sc, err := presets.Get(name)
		if err != nil {
			fmt.Fprintf(std.err, "sgdbias presets: %v\n", err)
			return 1
		}
		all = append(all, sc)
	}
	if *format == "json" {
		enc := json.NewEncoder(std.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			fmt.Fprintf(std.err, "sgdbias presets: %v\n", err)
			return 1
		}
		return 0
	}
	for _, sc := range all {
		fmt.Fprintf(std.out, "%s — %s\n", sc.Name, sc.Title)
		for _, line := range strings.Split(ansi.Wordwrap(sc.About, 74, ""), "\n") {
			fmt.Fprintf(std.out, "    %s\n", line)
		}
		fmt.Fprintln(std.out)
	}
	fmt.Fprintln(std.out, "Use one with: sgdbias --preset NAME (the explorer) or sgdbias run --preset NAME.")
	return 0
}
