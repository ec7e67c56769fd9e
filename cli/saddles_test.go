package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type saddlesReport struct {
	References struct {
		L1Min struct {
			L1Norm float64 `json:"l1_norm"`
		} `json:"l1_min"`
	} `json:"references"`
	Saddles *struct {
		Alpha       float64  `json:"alpha"`
		LogInvAlpha *float64 `json:"log_inv_alpha"`
		Error       string   `json:"error"`
		Saddles     []struct {
			K       int      `json:"k"`
			Tau     float64  `json:"tau"`
			Time    *float64 `json:"time"`
			Loss    float64  `json:"loss"`
			L1Norm  float64  `json:"l1_norm"`
			Support []int    `json:"support"`
			Enter   []struct {
				Index, Sign int
			} `json:"enter"`
		} `json:"saddles"`
	} `json:"saddles"`
}

func runSaddlesJSON(t *testing.T, args ...string) saddlesReport {
	t.Helper()
	out, errOut, code := invoke(t, append([]string{"run", "--format", "json", "--no-timing", "--saddles"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r saddlesReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Saddles == nil {
		t.Fatal("no \"saddles\" in the JSON")
	}
	return r
}

// TestRunSaddlesJSON: the schedule ends on the min-ℓ₁ reference, its times
// are τ_k·ln(1/α) and its first saddle is the origin.
func TestRunSaddlesJSON(t *testing.T) {
	r := runSaddlesJSON(t, append(small, "--alpha", "1e-6")...)
	s := r.Saddles
	if s.Error != "" || len(s.Saddles) < 2 {
		t.Fatalf("error %q, %d saddles", s.Error, len(s.Saddles))
	}
	if s.Saddles[0].Tau != 0 || s.Saddles[0].L1Norm != 0 || len(s.Saddles[0].Support) != 0 {
		t.Errorf("saddle 0 is not the origin: %+v", s.Saddles[0])
	}
	lnInv := math.Log(1e6)
	for _, sd := range s.Saddles {
		if sd.Time == nil || math.Abs(*sd.Time-sd.Tau*lnInv) > 1e-12*math.Max(1, *sd.Time) {
			t.Errorf("saddle %d: time %v, want τ·ln(1/α) = %g", sd.K, sd.Time, sd.Tau*lnInv)
		}
	}
	last := s.Saddles[len(s.Saddles)-1]
	if want := r.References.L1Min.L1Norm; math.Abs(last.L1Norm-want) > 1e-9*want {
		t.Errorf("last saddle ‖β‖₁ = %.12g, min-ℓ₁ reference %.12g", last.L1Norm, want)
	}
	if len(s.Saddles[1].Enter) == 0 {
		t.Error("the first jump adds no coordinate")
	}
}

// TestRunSaddlesLargeAlpha: for α ≥ 1 there is no time to predict; the
// times are null, never NaN or negative.
func TestRunSaddlesLargeAlpha(t *testing.T) {
	r := runSaddlesJSON(t, append(small, "--alpha", "2", "--algo", "gf")...)
	if r.Saddles.LogInvAlpha != nil {
		t.Errorf("log_inv_alpha = %v at α = 2", *r.Saddles.LogInvAlpha)
	}
	for _, sd := range r.Saddles.Saddles {
		if sd.Time != nil {
			t.Errorf("saddle %d has time %v at α = 2", sd.K, *sd.Time)
		}
	}
}

func TestRunSaddlesTable(t *testing.T) {
	out, _, code := invoke(t, append([]string{"run", "--saddles", "--quiet", "--alpha", "1e-10"}, small...)...)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"saddle-to-saddle schedule", "ln(1/α) = 23.03", "τ_k", "enters"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	plain, _, _ := invoke(t, append([]string{"run", "--quiet", "--alpha", "1e-10"}, small...)...)
	if strings.Contains(plain, "saddle") {
		t.Error("the schedule is printed without --saddles")
	}
}

// TestRunSaddlesPlot: --saddles-plot writes a PNG and implies --saddles; a
// name that is neither .svg nor .png is refused before anything runs.
func TestRunSaddlesPlot(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "jumps.png")
	out, errOut, code := invoke(t, "run", "--preset", "saddle-to-saddle", "--algo", "gf", "--quiet", "--no-references", "--saddles-plot", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "saddle-to-saddle schedule") {
		t.Error("--saddles-plot did not print the schedule")
	}
	data, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("no PNG written: %v", err)
	}
	_, errOut, code = invoke(t, "run", "--preset", "saddle-to-saddle", "--quiet", "--saddles-plot", filepath.Join(dir, "jumps.txt"))
	if code != 2 || !strings.Contains(errOut, "--saddles-plot") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("exit %d, stderr %q; want 2 and one line naming --saddles-plot", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "jumps.txt")); err == nil {
		t.Error("a refused figure was written")
	}
}
