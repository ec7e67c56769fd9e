package cli

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"sgdbias/sim"
)

// longest is the widest line of out, in runes.
func longest(out string) (int, string) {
	w, line := 0, ""
	for _, l := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(l); n > w {
			w, line = n, l
		}
	}
	return w, line
}

func TestSweepTableFitsTheWidth(t *testing.T) {
	t.Setenv("COLUMNS", "72")
	out, errs, code := invoke(t, sweepArgs("--no-timing")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if w, line := longest(out); w > 72 {
		t.Errorf("a line of %d columns at COLUMNS=72: %q", w, line)
	}
	// The swept values, algo, counts and the metric stay; the rightmost
	// columns go, and the note says which.
	if !strings.Contains(out, "test error mean ± sd") || !strings.Contains(out, "left out to fit 72 columns") ||
		!strings.Contains(out, "steps (median)") {
		t.Errorf("note or kept columns missing:\n%s", out)
	}
	head := tableHeader(out)
	if strings.Contains(head, "steps (median)") || !strings.Contains(head, "algo") {
		t.Errorf("header %q", head)
	}
	// Without a width (a file, no COLUMNS) every column is printed.
	t.Setenv("COLUMNS", "")
	full, _, _ := invoke(t, sweepArgs("--no-timing")...)
	if !strings.Contains(tableHeader(full), "steps (median)") {
		t.Error("columns dropped without a width")
	}
}

func TestHugeSweepTableIsSummarised(t *testing.T) {
	// 60 α × 2 algos = 120 rows, one rep, a short horizon.
	out, errs, code := invoke(t, "sweep", "--n", "12", "--d", "30", "--s", "3", "--algo", "gd,sgd", "--alpha", "log:1e-3:1:60",
		"--reps", "1", "--time", "1", "--quiet", "--no-timing")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "… 70 rows …") || !strings.Contains(out, "70 of the 120 rows left out") {
		t.Errorf("no summary:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n > 150 {
		t.Errorf("%d lines", n)
	}
}

func TestBigHeatmapsAreBinnedAndChartsAreSmallMultiples(t *testing.T) {
	t.Setenv("COLUMNS", "80")
	// 150 α × 10 γ, gd and sgd: 20 lines would be too many for one chart.
	out, errs, code := invoke(t, "sweep", "--n", "12", "--d", "30", "--s", "3", "--algo", "gd,sgd", "--alpha", "log:1e-3:1:150",
		"--step", "lin:0.01:0.1:10", "--reps", "1", "--time", "0.5", "--quiet", "--no-timing")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if w, line := longest(out); w > 80 {
		t.Errorf("a line of %d columns at COLUMNS=80: %q", w, line)
	}
	for _, want := range []string{"heatmaps binned: 150 α values in", "one chart per algorithm; 8 of the 10 values",
		"gd: test error (mean over the runs) against α", "sgd: test error (mean over the runs) against α", "γ=0.01", "γ=0.1"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "too many") {
		t.Error("the chart was dropped")
	}
}

// tableHeader is the line of the table's column names.
func tableHeader(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "  algo  ") {
			return l
		}
	}
	return ""
}

func TestPaperLabels(t *testing.T) {
	for algo, want := range map[sim.Algo]string{
		"gf": "GF", "sgd": "SGD", "sgf": "SGF", "gd": "GD", "lnsgd": "label-noise GD", "hb": "HB",
		"gd:step=0.0175":          "GD (γ = 0.0175)",
		"sgd:step=0.1:batch=2":    "SGD (γ = 0.1, b = 2)",
		"sgf:noise=0.1":           "SGF (noise = 0.1)",
		"hb:momentum=0.9:step=.1": "HB (μ = 0.9, γ = 0.1)",
	} {
		if got := paperLabel(algo); got != want {
			t.Errorf("%s: %q, want %q", algo, got, want)
		}
	}
}

func TestSweepPlotOfManyLinesIsOnePanelPerAlgorithm(t *testing.T) {
	svg := t.TempDir() + "/panels.svg"
	_, errs, code := invoke(t, "sweep", "--n", "12", "--d", "30", "--s", "3", "--algo", "gd,sgd", "--alpha", "log:1e-3:1:4",
		"--step", "lin:0.01:0.1:10", "--reps", "2", "--time", "1", "--quiet", "--no-timing", "--format", "csv", "--plot", svg)
	if code != 0 || !strings.Contains(errs, "one panel per algorithm, each with 8 of the 10 values") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(svg)
	if err != nil || !strings.Contains(string(b), ">GD<") && !strings.Contains(string(b), "GD") {
		t.Errorf("no panel titles: %v", err)
	}
}
