package cli

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

func runJSON(t *testing.T, args ...string) (jsonReport, string, int) {
	t.Helper()
	out, errs, code := invoke(t, append([]string{"run", "--format", "json", "--no-timing", "--no-references", "--quiet"}, args...)...)
	var r jsonReport
	if code != 2 {
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: invalid JSON (%v): %s%s", args, err, out, errs)
		}
	}
	return r, errs, code
}

// Every run names how it ended, the runs that are not results exit 1 with
// the reason, and a result that stopped has no predicted limit.
func TestRunStatusesAndExit(t *testing.T) {
	cases := []struct {
		args   []string
		status string
		code   int
	}{
		// SGF at α = 100: the loss blows up in one step, then w± underflow;
		// this used to print β = 0 as a result with exit 0.
		{[]string{"--alpha", "100", "--algo", "sgf", "--time", "20"}, "diverged", 1},
		// GF at α = 1000 used to fail at t = 0 ("0 steps … horizon").
		{[]string{"--alpha", "1000", "--algo", "gf", "--time", "1"}, "horizon", 0},
		{[]string{"--algo", "gf", "--time", "1e4", "--tol", "1e-6"}, "converged", 0},
		{[]string{"--algo", "gd", "--step", "5", "--time", "50"}, "diverged", 1},
	}
	for _, c := range cases {
		r, errs, code := runJSON(t, append([]string{"--n", "20", "--d", "50", "--s", "3"}, c.args...)...)
		if code != c.code || len(r.Runs) != 1 {
			t.Fatalf("%v: exit %d, %d runs, want exit %d: %s", c.args, code, len(r.Runs), c.code, errs)
		}
		run := r.Runs[0]
		if string(run.Status) != c.status || (run.Error != "") != (c.code == 1) {
			t.Errorf("%v: status %q, error %q; want %q", c.args, run.Status, run.Error, c.status)
		}
		if c.code == 1 && (run.PredictedBeta != nil || run.PredictionError != nil || !strings.Contains(errs, c.status)) {
			t.Errorf("%v: a stopped run must have no predicted limit and say why on stderr: %q", c.args, errs)
		}
	}
	out, _, _ := invoke(t, "run", "--format", "csv", "--no-references", "--quiet", "--n", "20", "--d", "50", "--s", "3", "--alpha", "100", "--algo", "gd,sgf", "--time", "20")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv: %v %q", err, out)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, row := range rows[1:] {
		if row[col["status"]] != "diverged" || !strings.Contains(row[col["error"]], "diverged at step") {
			t.Errorf("csv row %v", row)
		}
	}
}

// GF has no step: its messages never suggest one.
func TestGFHintHasNoStep(t *testing.T) {
	_, errs, code := runJSON(t, "--label-sigma", "1e50", "--algo", "gf", "--time", "10")
	if code != 1 || !strings.Contains(errs, "gf diverged") || strings.Contains(errs, "γ") {
		t.Errorf("exit %d: %q", code, errs)
	}
}

// Bad runs are refused before any work, exit 2 and no table.
func TestRunsCheckedUpFront(t *testing.T) {
	for _, c := range []struct{ args, want string }{
		{"--algo gd:step=-1", "--step"},
		{"--algo gd:noise=0.1", "does not use"},
		{"--algo gf:step=1", "which gf does not use"},
		{"--algo gd,gd", "listed twice"},
		{"--algo sgd:batch=1.5", "whole number"},
		{"--algo gd --step 1e300", "no step before the horizon"},
		{"--algo hb --momentum 0.999999", "--momentum"},
		{"--algo gd,gd:step=2000 --time 500", "gd:step=2000"},
	} {
		out, errs, code := invoke(t, append([]string{"run", "--quiet", "--no-references"}, strings.Fields(c.args)...)...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2, one line naming %q", c.args, code, out, errs, c.want)
		}
	}
}

// α_geomean lies within [α_min, α_max] even when every α_t is the same
// number and rounding would put the mean of the logs beside it.
func TestAlphaGeomeanWithinRange(t *testing.T) {
	for _, alpha := range []string{"0.1", "3", "1000", "1e-100"} {
		r, errs, code := runJSON(t, "--n", "20", "--d", "50", "--s", "3", "--alpha", alpha, "--algo", "gf", "--time", "1")
		if code != 0 {
			t.Fatalf("α=%s: exit %d: %s", alpha, code, errs)
		}
		for _, run := range r.Runs {
			if !(run.AlphaMin <= run.AlphaGeoMean && run.AlphaGeoMean <= run.AlphaMax) {
				t.Errorf("α=%s: geomean %v outside [%v, %v]", alpha, run.AlphaGeoMean, run.AlphaMin, run.AlphaMax)
			}
		}
	}
}
