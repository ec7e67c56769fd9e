package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"

	"sgdbias/presets"
)

func TestSweepEstimatesAndRefusesHugeSweepsWithoutYes(t *testing.T) {
	// 1000 α × 101 γ × 2 algos = 202000 jobs: refused before any work.
	huge := []string{"sweep", "--alpha", "log:1e-4:1:1000", "--step", "lin:0.01:0.1:101", "--algo", "gd,sgd", "--reps", "1"}
	out, errs, code := invoke(t, huge...)
	if code != 2 || out != "" || !strings.Contains(errs, "202000 jobs on") || !strings.Contains(errs, "without --yes") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	// Refused on time too, and even with --quiet the reason is given: one
	// job run to t = 1e9 at γ = 1e-3 is 1e12 steps.
	_, errs, code = invoke(t, "sweep", "--n", "12", "--d", "30", "--s", "3", "--algo", "gd", "--reps", "1", "--step", "0.001",
		"--time", "1e9", "--quiet")
	if code != 2 || !strings.Contains(errs, "1 jobs on 1 workers, at most 1e+12 steps") || !strings.Contains(errs, "--yes") {
		t.Fatalf("long sweep: exit %d, stderr %q", code, errs)
	}
	// A small sweep prints its estimate on stderr and runs.
	_, errs, code = invoke(t, "sweep", "--n", "12", "--d", "30", "--s", "3", "--algo", "gd", "--alpha", "0.1,0.2", "--reps", "2",
		"--time", "20", "--step", "0.05", "--format", "csv", "--workers", "1")
	// 2 points × 2 reps, 20/0.05 = 400 steps each, 2·12·30 + 4·30 = 840 multiply-adds a step.
	if code != 0 || !strings.Contains(errs, "4 jobs on 1 workers, at most 1.6e+03 steps (1.3e+06 multiply-adds)") {
		t.Fatalf("small sweep: exit %d, stderr %q", code, errs)
	}
}

func TestSweepResume(t *testing.T) {
	dir := t.TempDir()
	part := filepath.Join(dir, "part.json")
	whole, _, _ := invoke(t, sweepArgs("--format", "csv")...)
	// --resume without the file runs every job; with a complete file it runs none.
	if _, errs, code := invoke(t, sweepArgs("--no-timing", "--shard", "1/2", "--out", part, "--resume")...); code != 0 {
		t.Fatalf("first run: %d %s", code, errs)
	}
	first, _ := os.ReadFile(part)
	_, errs, code := invoke(t, sweepArgs("--no-timing", "--shard", "1/2", "--out", part, "--resume", "--quiet=false")...)
	if code != 0 || !strings.Contains(errs, "0 jobs (18 done before, resumed)") {
		t.Fatalf("resume of a complete shard: %d %s", code, errs)
	}
	if again, _ := os.ReadFile(part); !bytes.Equal(again, first) {
		t.Error("resuming a complete shard changed its file")
	}
	// A partial file: drop every record but the first three, as an
	// interrupted run leaves it, then resume and merge.
	cut := truncateRecords(t, first, 3)
	os.WriteFile(part, cut, 0o644)
	_, errs, code = invoke(t, sweepArgs("--no-timing", "--shard", "1/2", "--out", part, "--resume", "--quiet=false")...)
	if code != 0 || !strings.Contains(errs, "15 jobs (3 done before, resumed)") {
		t.Fatalf("resume: %d %s", code, errs)
	}
	if again, _ := os.ReadFile(part); !bytes.Equal(again, first) {
		t.Error("the resumed shard differs from the uninterrupted one")
	}
	other := filepath.Join(dir, "other.json")
	invoke(t, sweepArgs("--shard", "0/2", "--out", other)...)
	merged, _, _ := invoke(t, "sweep", "merge", "--format", "csv", part, other)
	if merged != whole {
		t.Error("merge after resume differs from the unsharded sweep")
	}
	// Refusals: no --out, another sweep, another shard, not a result file.
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{\"format\": 3}"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{sweepArgs("--resume"), "--resume: needs --out"},
		{sweepArgs("--no-timing", "--shard", "1/2", "--out", part, "--resume", "--reps", "4"), "from a different sweep"},
		{sweepArgs("--shard", "0/2", "--out", part, "--resume"), "holds shard 1/2, not 0/2"},
		{sweepArgs("--out", bad, "--resume"), "not a sweep result file"},
		{sweepArgs("--out", dir, "--resume"), "is not a regular file"},
		{sweepArgs("--out", fifo, "--resume"), "is not a regular file"},
		{sweepArgs("--progress-every", "0s"), "--progress-every"},
		{sweepArgs("--progress-every", "1ns"), "want 10ms or more"},
		{sweepArgs("--checkpoint-every", "1us"), "too often"},
		{sweepArgs("--checkpoint-every", "-1s"), "--checkpoint-every: -1s is not allowed"},
	} {
		if _, errs, code := invoke(t, c.args...); code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args[len(smallSweep):], code, errs, c.want)
		}
	}
}

// truncateRecords keeps the first n records of a result file (one record a
// line) and marks it interrupted.
func truncateRecords(t *testing.T, file []byte, n int) []byte {
	t.Helper()
	lines := strings.Split(string(file), "\n")
	var out []string
	kept := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "    {\"job\"") {
			if kept == n {
				continue
			}
			kept++
			if kept == n {
				l = strings.TrimSuffix(l, ",")
			}
		}
		out = append(out, strings.Replace(l, "\"interrupted\": false", "\"interrupted\": true", 1))
	}
	return []byte(strings.Join(out, "\n"))
}

func TestPlainProgressCountsJobsAndExtrapolatesThisRunsRate(t *testing.T) {
	var buf bytes.Buffer
	p := newProgressEvery(&buf, false, 5*time.Second)
	clock := p.start
	p.now = func() time.Time { return clock }
	// 10 jobs, 1 done before (resumed); after 10 s, 5 done: 0.4 jobs/s, and
	// this run's 0.4 of the work took 10 s, so the remaining 0.5 take 12.5 s
	// (rounded to 13 s), not the 10 s that counting the resumed job would give.
	clock = clock.Add(10 * time.Second)
	p.setCounts(5, 10, 1, 0.5)
	clock = clock.Add(time.Second) // within the interval: nothing
	p.setCounts(6, 10, 1, 0.6)
	p.done()
	want := "progress: 50% after 10s, eta 13s, 5/10 jobs, 0.4 jobs/s\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
	var quiet bytes.Buffer
	q := newProgressEvery(&quiet, true, time.Nanosecond)
	q.setCounts(1, 2, 0, 0.5)
	if quiet.Len() != 0 {
		t.Errorf("--quiet printed %q", quiet.String())
	}
}

func TestParseSize(t *testing.T) {
	cases := map[string][2]vg.Length{
		"6x4":         {6 * vg.Inch, 4 * vg.Inch},
		"3.3x2.4in":   {3.3 * vg.Inch, 2.4 * vg.Inch},
		"8.5cmx6cm":   {8.5 * vg.Centimeter, 6 * vg.Centimeter},
		"240x170pt":   {240, 170},
		" 90mmx 60mm": {90 * vg.Millimeter, 60 * vg.Millimeter},
	}
	for s, want := range cases {
		w, h, err := parseSize(s)
		if err != nil || math.Abs(float64(w-want[0])) > 1e-9 || math.Abs(float64(h-want[1])) > 1e-9 {
			t.Errorf("%q: %v × %v, %v; want %v", s, w, h, err, want)
		}
	}
	for _, s := range []string{"", "x", "6x", "0x4", "-6x4", "6x4x2", "6x4furlongs", "Infx4", "1e400x4"} {
		if _, _, err := parseSize(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestSweepPlotPDFWithBandAndSize(t *testing.T) {
	pdf := filepath.Join(t.TempDir(), "fig.pdf")
	_, errs, code := invoke(t, sweepArgs("--plot", pdf, "--band", "sd", "--size", "3.3x2.4", "--font-size", "8", "--title", "auto", "--format", "csv")...)
	if code != 0 || !strings.Contains(errs, "points are the mean of the runs, bars ± sd") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %v", err)
	}
	// 3.3 × 2.4 inches is 237.6 × 172.8 points.
	if !bytes.Contains(b, []byte("/MediaBox [0 0 237.60 172.80]")) {
		i := bytes.Index(b, []byte("/MediaBox"))
		t.Errorf("page size: %q", b[i:min(len(b), i+40)])
	}
}

func TestPresetsJSONIsEveryPresetInTheConfigFormat(t *testing.T) {
	out, errs, code := invoke(t, "presets", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got []presets.Scenario
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	names := presets.Names()
	if len(got) != len(names) {
		t.Fatalf("%d scenarios, want %d", len(got), len(names))
	}
	dir := t.TempDir()
	for i, name := range names {
		want, _ := presets.Get(name)
		if got[i].Name != name || !reflect.DeepEqual(got[i], want) {
			t.Errorf("entry %d: %+v, want %+v", i, got[i], want)
		}
		// Each entry, saved alone, is a scenario file --config loads.
		b, _ := json.Marshal(got[i])
		f := filepath.Join(dir, name+".json")
		os.WriteFile(f, b, 0o644)
		if _, err := presets.Load(f); err != nil {
			t.Errorf("%s: --config cannot load its entry: %v", name, err)
		}
	}
	if _, errs, code := invoke(t, "presets", "--format", "yaml"); code != 2 || !strings.Contains(errs, "want text or json") {
		t.Errorf("--format yaml: exit %d, %q", code, errs)
	}
}

// The cap applies to the jobs this process runs: a shard of a huge sweep
// that is under it starts (here into a context that is already cancelled).
func TestSweepCapCountsTheShardsJobs(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(t.TempDir(), "part.json")
	var stdout, stderr bytes.Buffer
	args := []string{"sweep", "--alpha", "log:1e-4:1:1000", "--step", "lin:0.01:0.1:101", "--algo", "gd,sgd", "--reps", "1",
		"--shard", "0/10", "--out", out}
	code := run(ctx, args, stdio{in: strings.NewReader(""), out: &stdout, err: &stderr})
	if code != 130 || !strings.Contains(stderr.String(), "20200 jobs on") || strings.Contains(stderr.String(), "refusing") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	// With --yes the whole sweep would start too.
	code = run(ctx, append(args[:len(args)-4], "--yes"), stdio{in: strings.NewReader(""), out: &stdout, err: &stderr})
	if code != 130 {
		t.Fatalf("--yes: exit %d, stderr %q", code, stderr.String())
	}
}
