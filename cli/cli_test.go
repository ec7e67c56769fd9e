package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sgdbias/presets"
	"sgdbias/sim"
)

// invoke runs the command line and returns stdout, stderr and the status.
func invoke(t testing.TB, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, stdio{in: strings.NewReader(""), out: &out, err: &errb})
	return out.String(), errb.String(), code
}

// small keeps the command-line tests fast: a (12, 30) problem, all four algorithms.
var small = []string{"--n", "12", "--d", "30", "--s", "3", "--algo", "all", "--time", "20", "--step", "0.05", "--samples", "20"}

func TestRunJSONIsDeterministic(t *testing.T) {
	args := append([]string{"run", "--format", "json", "--no-timing"}, small...)
	first, _, code := invoke(t, args...)
	second, _, _ := invoke(t, args...)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if first != second {
		t.Fatal("two runs with the same flags printed different JSON")
	}
	other, _, _ := invoke(t, append(args, "--seed", "2")...)
	if other == first {
		t.Fatal("another seed printed the same JSON")
	}
	// With timing, everything but the two timing fields is identical.
	timed, _, _ := invoke(t, append([]string{"run", "--format", "json"}, small...)...)
	var a, b map[string]any
	if err := json.Unmarshal([]byte(first), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(timed), &b); err != nil {
		t.Fatal(err)
	}
	for _, r := range b["runs"].([]any) {
		run := r.(map[string]any)
		if run["wall_seconds"] == nil || run["steps_per_second"] == nil {
			t.Fatalf("timing fields missing in %v", run["algo"])
		}
		delete(run, "wall_seconds")
		delete(run, "steps_per_second")
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Fatal("JSON with timing differs beyond the timing fields")
	}
}

func TestRunJSONHasTheDocumentedFields(t *testing.T) {
	out, _, code := invoke(t, append([]string{"run", "--format", "json"}, small...)...)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var r struct {
		Config     map[string]any            `json:"config"`
		Runs       []map[string]any          `json:"runs"`
		References map[string]map[string]any `json:"references"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"n", "d", "s", "seed", "alpha", "step", "noise", "batch", "algos", "time"} {
		if _, ok := r.Config[k]; !ok {
			t.Errorf("config lacks %q", k)
		}
	}
	if len(r.Runs) != 4 {
		t.Fatalf("%d runs, want 4", len(r.Runs))
	}
	for _, run := range r.Runs {
		for _, k := range []string{"algo", "steps", "time", "train_loss", "l1_norm", "test_error", "alpha_eff", "beta", "predicted_beta", "prediction_error", "diverged", "wall_seconds", "steps_per_second"} {
			if _, ok := run[k]; !ok {
				t.Errorf("run %v lacks %q", run["algo"], k)
			}
		}
		if got := len(run["alpha_eff"].([]any)); got != 30 {
			t.Errorf("alpha_eff has %d entries, want d = 30", got)
		}
	}
	for _, k := range []string{"gf_limit", "l1_min", "l2_min"} {
		ref := r.References[k]
		if ref == nil || ref["beta"] == nil || ref["l1_norm"] == nil || ref["test_error"] == nil {
			t.Errorf("references.%s incomplete: %v", k, ref)
		}
	}
	// min-ℓ₁ has the smallest ℓ₁ norm of all: an independent sanity check.
	l1 := r.References["l1_min"]["l1_norm"].(float64)
	for _, run := range r.Runs {
		if run["l1_norm"].(float64) < l1-1e-6 {
			t.Errorf("%v has ‖β‖₁ %v below min-ℓ₁ %v", run["algo"], run["l1_norm"], l1)
		}
	}
}

func TestBadInputExitsTwoWithAMessage(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"run", "--algo", "gf,adam"}, `--algo: "adam" is not an algorithm`},
		{[]string{"run", "--n", "50", "--d", "40"}, "--n: 50 is out of range"},
		{[]string{"run", "--alpha", "-1"}, "--alpha: -1 is out of range; allowed 1e-100 ≤ α ≤ 1000"},
		{[]string{"run", "--steps", "3", "--step", "1e300"}, "--steps: 3 steps of γ = 1e+300 reach time 3e+300"},
		{[]string{"run", "--step", "0"}, "--step: 0 is not allowed"},
		{[]string{"run", "--batch", "41"}, "--batch: 41 is out of range; allowed 1 ≤ b ≤ n (=40)"},
		{[]string{"run", "--preset", "nope"}, `--preset: unknown preset "nope"; valid presets: anisotropic, edge-of-stability`},
		{[]string{"run", "--format", "xml"}, `--format: "xml" is not allowed`},
		{[]string{"run", "--time", "-3"}, "--time: -3 is out of range"},
		{[]string{"run", "--beta-star", "1,x"}, "--beta-star"},
		{[]string{"run", "--data", "/nonexistent/file.json"}, "file.json"},
		{[]string{"run", "--bogus"}, "sgdbias run: unknown flag --bogus; see sgdbias run -h\n"},
		{[]string{"run", "stray"}, `unexpected argument "stray"`},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
	}
	for _, c := range cases {
		out, errs, code := invoke(t, c.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", c.args, code)
		}
		if !strings.Contains(errs, c.want) {
			t.Errorf("%v: stderr %q does not contain %q", c.args, errs, c.want)
		}
		if out != "" {
			t.Errorf("%v: printed %q on stdout", c.args, out)
		}
	}
}

func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{{"run", "-h"}, {"data", "--help"}, {"help"}, {"presets"}, {"version"}} {
		if _, _, code := invoke(t, args...); code != 0 {
			t.Errorf("%v: exit %d", args, code)
		}
	}
}

func TestDivergenceExitsOneWithFiniteOutput(t *testing.T) {
	out, errs, code := invoke(t, "run", "--format", "json", "--step", "5", "--algo", "gd,sgd", "--no-references")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(errs, "gd diverged at step") || !strings.Contains(errs, "by 2/sharpness (an estimate") {
		t.Fatalf("stderr lacks the divergence report and hint: %q", errs)
	}
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("diverged run printed invalid JSON: %v", err)
	}
	for _, run := range r.Runs {
		if !run.Diverged || run.Divergence == nil || run.Divergence.StableStep == nil || *run.Divergence.StableStep >= 5 {
			t.Errorf("%s: divergence record %+v", run.Algo, run.Divergence)
		}
	}
	if strings.Contains(strings.ToLower(out), "nan") || strings.Contains(strings.ToLower(out), "inf") {
		t.Fatal("NaN or Inf in the output")
	}
}

// A diverged run's record says where it diverged and its last finite loss,
// the same numbers as the message, in every format.
func TestDivergedRowMatchesMessage(t *testing.T) {
	args := []string{"run", "--noise", "0.3", "--algo", "sgf", "--no-references"}
	out, errs, code := invoke(t, append(args, "--format", "json")...)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, errs)
	}
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Runs) != 1 {
		t.Fatalf("JSON %v, %d runs", err, len(r.Runs))
	}
	run := r.Runs[0]
	d := run.Divergence
	if run.Status != sim.StatusDiverged || d == nil {
		t.Fatalf("status %s, divergence %+v", run.Status, d)
	}
	if run.Steps != d.Step || run.Time != d.Time || run.TrainLoss != d.LastLoss {
		t.Errorf("record steps %d time %g loss %g; divergence at step %d t %g last loss %g",
			run.Steps, run.Time, run.TrainLoss, d.Step, d.Time, d.LastLoss)
	}
	if want := fmt.Sprintf("at step %d (t = %.4g)", d.Step, d.Time); !strings.Contains(errs, want) {
		t.Errorf("message %q lacks %q", errs, want)
	}
	if want := fmt.Sprintf("last finite training loss %.4g", d.LastLoss); !strings.Contains(errs, want) {
		t.Errorf("message %q lacks %q", errs, want)
	}
	table, _, _ := invoke(t, args...)
	if want := fmt.Sprintf("%.3e", d.LastLoss); !strings.Contains(table, want) || !strings.Contains(table, fmt.Sprint(d.Step)) {
		t.Errorf("table lacks step %d and loss %s:\n%s", d.Step, want, table)
	}
	csvOut, _, _ := invoke(t, append(args, "--format", "csv")...)
	rows, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][1] != fmt.Sprint(d.Step) {
		t.Errorf("CSV %v (%v), want steps %d", rows, err, d.Step)
	}
}

func TestTraceIsWrittenAsCSV(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "trace.csv")
	if _, errs, code := invoke(t, append([]string{"run", "--no-references", "--trace", path}, small...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(traceHeader, ",") {
		t.Fatalf("header %v", rows[0])
	}
	perAlgo := map[string]int{}
	for _, row := range rows[1:] {
		perAlgo[row[0]]++
	}
	for _, a := range []string{"gf", "gd", "sgf", "sgd"} {
		if perAlgo[a] < 10 {
			t.Errorf("%s has %d trace rows, want ≥ 10", a, perAlgo[a])
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("directory holds %d files, want only the trace", len(entries))
	}
}

// A problem written by `data` and read back with --data runs identically.
func TestDataRoundTripReproducesTheRun(t *testing.T) {
	for _, format := range []string{"json", "csv"} {
		path := filepath.Join(t.TempDir(), "p."+format)
		if _, errs, code := invoke(t, "data", "--n", "12", "--d", "30", "--s", "3", "--format", format, "--out", path); code != 0 {
			t.Fatalf("data: exit %d: %s", code, errs)
		}
		args := []string{"run", "--format", "json", "--no-timing", "--no-references", "--algo", "all", "--time", "20", "--step", "0.05", "--samples", "20"}
		generated, _, _ := invoke(t, append(args, "--n", "12", "--d", "30", "--s", "3")...)
		loaded, errs, code := invoke(t, append(args, "--data", path)...)
		if code != 0 {
			t.Fatalf("run --data: exit %d: %s", code, errs)
		}
		var g, l jsonReport
		json.Unmarshal([]byte(generated), &g)
		json.Unmarshal([]byte(loaded), &l)
		for i := range g.Runs {
			gj, _ := json.Marshal(withoutTestError(g.Runs[i], format))
			lj, _ := json.Marshal(withoutTestError(l.Runs[i], format))
			if !bytes.Equal(gj, lj) {
				t.Errorf("%s: run %s differs between generated and loaded data", format, g.Runs[i].Algo)
			}
		}
	}
	if _, _, code := invoke(t, "data", "--out", filepath.Join(t.TempDir(), "x.json"), "--data", "y.json"); code != 2 {
		t.Errorf("data --data: exit %d, want 2", code)
	}
}

// CSV carries no β*, so the test error is only comparable for JSON.
func withoutTestError(r jsonRun, format string) jsonRun {
	if format == "csv" {
		r.TestError = nil
	}
	return r
}

func TestDataRefusesToOverwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.json")
	if err := os.WriteFile(path, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := invoke(t, "data", "--out", path); code == 0 || !strings.Contains(errs, "exists") {
		t.Fatalf("exit %d, stderr %q: want a refusal", code, errs)
	}
	if got, _ := os.ReadFile(path); string(got) != "keep" {
		t.Fatal("existing file was changed")
	}
}

// FuzzRunFlags feeds arbitrary values to the numeric and list flags: the
// command never panics, exits 0, 1 or 2, and never prints NaN or Inf.
func FuzzRunFlags(f *testing.F) {
	f.Add("0.1", "0.05", "pm1", "iso", "all", "1")
	f.Add("-1", "nan", "1,2,x", "aniso:0:1", "gf,,", "0")
	f.Add("1e-300", "1e300", "gauss", "var:1,2", "sgd", "13")
	f.Add("inf", "5", "100,-100", "aniso", "gd,sgf", "2")
	f.Fuzz(func(t *testing.T, alpha, step, beta, features, algos, batch string) {
		out, _, code := invoke(t, "run", "--n", "6", "--d", "10", "--steps", "20", "--time", "1", "--samples", "3",
			"--no-references", "--format", "json", "--alpha", alpha, "--step", step, "--beta-star", beta,
			"--features", features, "--algo", algos, "--batch", batch)
		if code != 0 && code != 1 && code != 2 {
			t.Fatalf("exit %d", code)
		}
		low := strings.ToLower(out)
		if strings.Contains(low, "nan") || strings.Contains(low, "inf") {
			t.Fatalf("NaN/Inf printed: %s", out)
		}
	})
}

// Every preset builds a valid problem and runs its algorithms without diverging.
func TestEveryPresetRuns(t *testing.T) {
	for _, name := range presets.Names() {
		out, errs, code := invoke(t, "run", "--preset", name, "--steps", "30", "--no-references", "--format", "json", "--samples", "3")
		if code != 0 {
			t.Errorf("%s: exit %d: %s", name, code, errs)
			continue
		}
		var r jsonReport
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, run := range r.Runs {
			if run.Diverged || run.Steps == 0 {
				t.Errorf("%s/%s: diverged=%v steps=%d", name, run.Algo, run.Diverged, run.Steps)
			}
		}
	}
}
