package cli

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"

	"sgdbias/sim"
)

// solvesDuring runs the command line and returns how many theory solves it
// started, with its stdout.
func solvesDuring(t *testing.T, args ...string) (int64, string) {
	t.Helper()
	var solves atomic.Int64
	out, errOut, code := invokeCtx(sim.CountSolves(context.Background(), &solves), "", args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	return solves.Load(), out
}

// TestRunSolvesOnlyWhatTheOutputNeeds counts solver calls, not time: with
// --predict never and --no-references the report has no predicted limit
// and no reference, so no solve may run at all.
func TestRunSolvesOnlyWhatTheOutputNeeds(t *testing.T) {
	base := []string{"run", "--format", "json", "--no-timing", "--quiet", "--n", "6", "--d", "15", "--s", "2",
		"--algo", "gd,sgd", "--steps", "50", "--samples", "5"}

	solves, out := solvesDuring(t, append(base, "--predict", "never", "--no-references")...)
	if solves != 0 {
		t.Errorf("--predict never --no-references ran %d theory solves, want 0", solves)
	}
	var rep struct {
		Runs []struct {
			PredictedBeta   []float64 `json:"predicted_beta"`
			PredictionError *float64  `json:"prediction_error"`
		} `json:"runs"`
		References any `json:"references"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for i, r := range rep.Runs {
		if r.PredictedBeta != nil || r.PredictionError != nil {
			t.Errorf("run %d reports a prediction that was not asked for", i)
		}
	}
	if rep.References != nil {
		t.Errorf("references reported with --no-references: %v", rep.References)
	}

	// auto at n²d = 540: a prediction at the start, at each of the 5
	// samples and at the end, for each of the two runs.
	solves, _ = solvesDuring(t, append(base, "--predict", "auto", "--no-references")...)
	if want := int64(2 * (1 + 5 + 1)); solves != want {
		t.Errorf("--predict auto ran %d solves, want %d", solves, want)
	}
	// The three references and nothing else.
	solves, _ = solvesDuring(t, append(base, "--predict", "never")...)
	if solves != 3 {
		t.Errorf("--predict never with references ran %d solves, want 3", solves)
	}
}
