package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// smallSweep is a quick 2-D sweep: 3 α × 2 γ, gd and sgd, 3 reps on a (12, 30) problem.
var smallSweep = []string{"sweep", "--n", "12", "--d", "30", "--s", "3", "--algo", "gd,sgd", "--time", "20",
	"--alpha", "log:0.01:0.1:3", "--step", "0.02,0.05", "--reps", "3", "--quiet"}

func sweepArgs(extra ...string) []string {
	return append(append([]string(nil), smallSweep...), extra...)
}

func TestSweepUsageErrors(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "exists.json")
	os.WriteFile(existing, []byte("{}"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"sweep", "--alpha", "log:0:1:3"}, "--alpha: log:0:1:3: a log grid needs LO > 0"},
		{[]string{"sweep", "--alpha", "0.1,0.1"}, "--alpha: the value 0.1 appears twice"},
		{[]string{"sweep", "--step", "lin:0.1:0.01:3"}, "--step:"},
		{[]string{"sweep", "--algo", "sgd", "--batch", "1,50"}, "--batch: 50 is out of range; allowed 1 ≤ b ≤ n (=40)"},
		{[]string{"sweep", "--batch", "1.5"}, "--batch: 1.5 is not an integer"},
		{[]string{"sweep", "--shard", "1/3"}, "--out: required with --shard"},
		{[]string{"sweep", "--shard", "3/3", "--out", "x.json"}, "--shard: K = 3 is out of range"},
		{[]string{"sweep", "--shard", "a"}, "--shard:"},
		{[]string{"sweep", "--format", "xml"}, "--format: \"xml\" is not allowed; want table, csv or json"},
		{[]string{"sweep", "--metric", "loss"}, "--metric: \"loss\" is not a metric; allowed test_error"},
		{[]string{"sweep", "--plot", "f.eps"}, "--plot: f.eps: want a file name ending in .svg, .png or .pdf"},
		{[]string{"sweep", "--band", "ci"}, "--band: \"ci\" is not allowed; allowed sd, sem, iqr or geo"},
		{[]string{"sweep", "--size", "6"}, "--size: \"6\" is not WxH"},
		{[]string{"sweep", "--size", "100x4"}, "each side 1 to 40 inches"},
		{[]string{"sweep", "--size", "NaNxNaN"}, "--size:"},
		{[]string{"sweep", "--size", "8.5cmx0.5cm"}, "--size:"},
		{[]string{"sweep", "--font-size", "0"}, "--font-size: 0 is out of range"},
		{[]string{"sweep", "--font-size", "NaN"}, "--font-size:"},
		{[]string{"sweep", "--title", strings.Repeat("t", 300)}, "--title: at most 200 characters"},
		{[]string{"sweep", "--plot", filepath.Join(dir, "exists.json.svg"), "--out", existing}, "--out: " + existing + " already exists; give --force"},
		{[]string{"sweep", "--reps", "0"}, "--reps: 0 is out of range"},
		{[]string{"sweep", "--workers", "-1"}, "--workers:"},
		{[]string{"sweep", "--tol", "-1"}, "--tol:"},
		{[]string{"sweep", "--algo", "gd,xx"}, `--algo: "xx" is not an algorithm`},
		{[]string{"sweep", "--alpha", "log:1e-3:1:1000", "--reps", "2000"}, "jobs"},
		{[]string{"sweep", "stray"}, "unexpected argument \"stray\""},
		{[]string{"sweep", "--bogus"}, "unknown flag --bogus"},
		{[]string{"sweep", "merge"}, "no FILE given"},
		{[]string{"sweep", "merge", filepath.Join(dir, "none.json")}, "no such file"},
		{[]string{"sweep", "merge", existing}, "not a sweep result file"},
	}
	for _, c := range cases {
		out, errs, code := invoke(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) || out != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %d bytes; want 2 and %q", c.args, code, errs, len(out), c.want)
		}
	}
	if out, _, code := invoke(t, "sweep", "-h"); code != 0 || !strings.Contains(out, "log:LO:HI:K") || !strings.Contains(out, "-shard K/N") {
		t.Errorf("-h: exit %d\n%s", code, out)
	}
	if out, _, code := invoke(t, "sweep", "merge", "-h"); code != 0 || !strings.Contains(out, "-allow-missing") {
		t.Errorf("merge -h: exit %d\n%s", code, out)
	}
	if out, _, code := invoke(t, "help"); code != 0 || !strings.Contains(out, "sgdbias sweep [flags]") {
		t.Errorf("main usage lacks sweep: %s", out)
	}
}

func TestSweepOutputIsDeterministic(t *testing.T) {
	for _, format := range []string{"table", "csv", "json"} {
		args := sweepArgs("--format", format, "--no-timing")
		first, errs, code := invoke(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, errs)
		}
		second, _, _ := invoke(t, args...)
		if first != second {
			t.Fatalf("%s: two runs printed different output", format)
		}
		if strings.Contains(first, "NaN") || strings.Contains(first, "Inf") {
			t.Errorf("%s: NaN or Inf in the output", format)
		}
		other, _, _ := invoke(t, append(args, "--seed", "2")...)
		if other == first {
			t.Errorf("%s: another seed printed the same", format)
		}
	}
	// With timing, the table and JSON say how long it took.
	out, _, _ := invoke(t, sweepArgs()...)
	if !strings.Contains(out, "36 jobs in ") || !strings.Contains(out, "jobs/s") {
		t.Errorf("no timing line:\n%s", out)
	}
}

func TestSweepTable(t *testing.T) {
	out, _, code := invoke(t, sweepArgs("--no-timing")...)
	if code != 0 {
		t.Fatal(code)
	}
	for _, want := range []string{
		"sweep on paper: n=12 d=30 s=3", "3 reps, data seeds 1…3",
		"α log:0.01:0.1:3 (3 values), γ 0.02,0.05 (2 values), noise = γ, batch=1",
		"6 points × 2 algos × 3 reps = 36 jobs", "a run stops once its training loss is ≤ 1e-08",
		"test error", "‖β−β_ℓ₁‖₂", "α_∞/α", "steps (median)", "div, fail: runs that diverged, collapsed or failed, left out",
		"test error (mean over the runs) against α", "── gd γ=0.02", // the chart
		"gd: test error (mean over the runs)", "sgd: test error", "low to high:", // the heatmaps
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour codes written to a non-terminal")
	}
	// 12 rows: 6 points × 2 algos.
	rows := 0
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 3 && (f[2] == "gd" || f[2] == "sgd") {
			rows++
		}
	}
	if rows != 12 {
		t.Errorf("%d table rows, want 12:\n%s", rows, out)
	}
}

func TestSweepCSVAndJSON(t *testing.T) {
	out, _, code := invoke(t, sweepArgs("--format", "csv")...)
	if code != 0 {
		t.Fatal(code)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(recs[0], ",")
	if !strings.HasPrefix(head, "algo,alpha,step,noise,batch,runs,diverged,collapsed,failed,converged,test_error_n,test_error_mean,test_error_sd,test_error_median,l1_norm_n,") ||
		!strings.Contains(head, "alpha_ratio_mean") || !strings.Contains(head, "steps_median") {
		t.Errorf("header %s", head)
	}
	if len(recs) != 1+12 {
		t.Fatalf("%d rows", len(recs))
	}
	if r := recs[1]; r[0] != "gd" || r[1] != "0.01" || r[2] != "0.02" || r[3] != "0.02" || r[4] != "1" || r[5] != "3" || r[10] != "3" {
		t.Errorf("first row %v", r)
	}

	out, _, code = invoke(t, sweepArgs("--format", "json")...)
	if code != 0 {
		t.Fatal(code)
	}
	var j struct {
		Config      map[string]any   `json:"config"`
		Fingerprint string           `json:"fingerprint"`
		Jobs        int              `json:"jobs"`
		Finished    int              `json:"finished"`
		Summaries   []map[string]any `json:"summaries"`
		WallSeconds *float64         `json:"wall_seconds"`
	}
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatal(err)
	}
	if j.Jobs != 36 || j.Finished != 36 || len(j.Summaries) != 12 || len(j.Fingerprint) != 64 || j.WallSeconds == nil {
		t.Errorf("json: jobs %d finished %d summaries %d", j.Jobs, j.Finished, len(j.Summaries))
	}
	te := j.Summaries[0]["test_error"].(map[string]any)
	if te["n"].(float64) != 3 || te["mean"] == nil || te["median"] == nil {
		t.Errorf("test_error %v", te)
	}
}

func TestSweepShardsMergeToTheSameReport(t *testing.T) {
	dir := t.TempDir()
	whole, _, code := invoke(t, sweepArgs("--format", "csv")...)
	if code != 0 {
		t.Fatal(code)
	}
	var files []string
	for k := range 3 {
		f := filepath.Join(dir, "part-"+string(rune('0'+k))+".json")
		out, errs, code := invoke(t, sweepArgs("--shard", string(rune('0'+k))+"/3", "--out", f)...)
		if code != 0 || out != "" || !strings.Contains(errs, "shard "+string(rune('0'+k))+"/3: 12 of its 12 jobs finished (the sweep has 36)") {
			t.Fatalf("shard %d: exit %d, stdout %q, stderr %q", k, code, out, errs)
		}
		files = append(files, f)
	}
	// Flags may follow the files.
	merged, errs, code := invoke(t, append(append([]string{"sweep", "merge"}, files[2], files[0], files[1]), "--format", "csv")...)
	if code != 0 {
		t.Fatalf("merge: exit %d: %s", code, errs)
	}
	if merged != whole {
		t.Fatalf("merged CSV differs from the unsharded one:\n%s\n---\n%s", merged, whole)
	}
	// "-" is standard input, as for --data and --config.
	middle, err := os.ReadFile(files[1])
	if err != nil {
		t.Fatal(err)
	}
	if viaStdin, errs, code := invokeCtx(context.Background(), string(middle), "sweep", "merge", "--format", "csv", files[0], "-", files[2]); code != 0 || viaStdin != whole {
		t.Errorf("merge with - for a shard: exit %d, %s", code, errs)
	}
	table, _, _ := invoke(t, "sweep", "merge", "--no-timing", files[0], files[1], files[2])
	direct, _, _ := invoke(t, sweepArgs("--no-timing")...)
	if table != direct {
		t.Errorf("merged table differs from the unsharded one")
	}

	// Missing, overlapping and foreign shards.
	_, errs, code = invoke(t, "sweep", "merge", files[0], files[2])
	if code != 2 || !strings.Contains(errs, "missing 12 of 36 jobs") || !strings.Contains(errs, "no file for shard 1/3") || !strings.Contains(errs, "--allow-missing") {
		t.Errorf("missing shard: exit %d, %s", code, errs)
	}
	out, errs, code := invoke(t, "sweep", "merge", "--allow-missing", "--format", "csv", files[0], files[2])
	if code != 0 || !strings.Contains(errs, "warning: missing 12 of 36 jobs") || strings.Count(out, "\n") != 13 {
		t.Errorf("--allow-missing: exit %d, %s\n%s", code, errs, out)
	}
	// Nothing was interrupted: the merge must not say so.
	if strings.Contains(errs, "interrupted") || !strings.Contains(errs, "24 of 36 jobs") {
		t.Errorf("--allow-missing: the summary must count the jobs present without claiming an interruption: %s", errs)
	}
	_, errs, code = invoke(t, "sweep", "merge", files[0], files[1], files[2], files[1])
	if code != 2 || !strings.Contains(errs, "shards overlap") {
		t.Errorf("overlap: exit %d, %s", code, errs)
	}
	foreign := filepath.Join(dir, "foreign.json")
	if _, errs, code := invoke(t, sweepArgs("--shard", "1/3", "--out", foreign, "--reps", "4")...); code != 0 {
		t.Fatal(errs)
	}
	_, errs, code = invoke(t, "sweep", "merge", files[0], foreign, files[2])
	if code != 2 || !strings.Contains(errs, "from a different sweep") || !strings.Contains(errs, "reps") {
		t.Errorf("foreign shard: exit %d, %s", code, errs)
	}
	// --out refuses to overwrite, --force replaces.
	if _, errs, code := invoke(t, sweepArgs("--shard", "0/3", "--out", files[0])...); code != 2 || !strings.Contains(errs, "already exists") {
		t.Errorf("overwrite: exit %d, %s", code, errs)
	}
	if _, errs, code := invoke(t, sweepArgs("--shard", "0/3", "--out", files[0], "--force")...); code != 0 {
		t.Errorf("--force: exit %d, %s", code, errs)
	}
}

func TestSweepPlot(t *testing.T) {
	dir := t.TempDir()
	svg := filepath.Join(dir, "fig.svg")
	_, errs, code := invoke(t, sweepArgs("--plot", svg, "--metric", "alpha_ratio")...)
	if code != 0 || !strings.Contains(errs, "wrote "+svg) {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(svg)
	if err != nil || !bytes.Contains(b, []byte("<svg")) {
		t.Fatalf("no SVG: %v", err)
	}
	png := filepath.Join(dir, "fig.png")
	if _, errs, code := invoke(t, sweepArgs("--plot", png, "--format", "csv")...); code != 0 {
		t.Fatalf("png: %s", errs)
	}
	if b, _ := os.ReadFile(png); !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Error("not a PNG")
	}
}

func TestSweepCountsDivergedRunsAndExitsZero(t *testing.T) {
	out, errs, code := invoke(t, "sweep", "--n", "12", "--d", "30", "--s", "3", "--algo", "gd", "--steps", "200",
		"--step", "0.05,20", "--reps", "2", "--quiet", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs, _ := csv.NewReader(strings.NewReader(out)).ReadAll()
	// gd, γ = 20: both runs diverged, no statistic.
	if r := recs[2]; r[2] != "20" || r[6] != "2" || r[10] != "0" || r[11] != "" {
		t.Errorf("diverged row %v", r)
	}
	if r := recs[1]; r[6] != "0" || r[11] == "" {
		t.Errorf("stable row %v", r)
	}
}

func TestSweepInterruptedPrintsWhatFinished(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var out, errb bytes.Buffer
	// 150 jobs of 20k GF-time units each: far longer than the deadline.
	args := []string{"sweep", "--n", "12", "--d", "30", "--s", "3", "--algo", "gd,sgd", "--alpha", "log:0.01:0.1:5",
		"--reps", "15", "--time", "20000", "--tol", "0", "--quiet", "--workers", "2", "--format", "csv"}
	code := run(ctx, args, stdio{in: strings.NewReader(""), out: &out, err: &errb})
	if code != 130 {
		t.Fatalf("exit %d, want 130; stderr %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "interrupted:") || !strings.Contains(errb.String(), "of 150 jobs finished") {
		t.Errorf("stderr %q", errb.String())
	}
	if !strings.HasPrefix(out.String(), "algo,alpha,") {
		t.Errorf("no report of the finished jobs: %q", out.String())
	}
}

// A preset's own grid is swept when no grid flag is given; a flag wins.
func TestSweepUsesThePresetGrid(t *testing.T) {
	steps := func(args ...string) map[string]bool {
		out, errs, code := invoke(t, append([]string{"sweep", "--preset", "large-steps", "--algo", "gd", "--reps", "1", "--time", "2", "--format", "csv", "--quiet", "--no-timing"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := slices.Index(rows[0], "step")
		if col < 0 {
			t.Fatalf("no step column in %v", rows[0])
		}
		seen := map[string]bool{}
		for _, r := range rows[1:] {
			seen[r[col]] = true
		}
		return seen
	}
	if got := steps(); len(got) != 5 || !got["0.02"] || !got["0.2"] {
		t.Errorf("preset grid: steps %v, want the five of large-steps", got)
	}
	if got := steps("--step", "0.05"); len(got) != 1 || !got["0.05"] {
		t.Errorf("with --step 0.05: steps %v", got)
	}
}
