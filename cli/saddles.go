package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// The saddle-to-saddle schedule of `sgdbias run --saddles` (theory.md §9),
// in the JSON report as "saddles".
type jsonSaddles struct {
	Alpha float64 `json:"alpha"`
	// LogInvAlpha is ln(1/α), the factor from rescaled to real time; null
	// for α ≥ 1, where the schedule predicts no jump times.
	LogInvAlpha *float64     `json:"log_inv_alpha"`
	Saddles     []jsonSaddle `json:"saddles"`
	Error       string       `json:"error,omitempty"`
	Coordinates string       `json:"coordinates"`
}

type jsonSaddle struct {
	K       int             `json:"k"`
	Tau     float64         `json:"tau"`
	Time    *float64        `json:"time"` // τ_k·ln(1/α)
	Loss    float64         `json:"loss"`
	L1Norm  float64         `json:"l1_norm"`
	Support []int           `json:"support"`
	Enter   []jsonSignedIdx `json:"enter"`
	Leave   []jsonSignedIdx `json:"leave"`
	Beta    []float64       `json:"beta"`
}

type jsonSignedIdx struct {
	Index int `json:"index"`
	Sign  int `json:"sign"`
}

// addSaddlesFlag registers --saddles on the run flags.
func addSaddlesFlag(fs *flag.FlagSet, on *bool) {
	fs.BoolVar(on, "saddles", false, "also print the small-α saddle-to-saddle schedule of gradient flow (τ_k, predicted t_k = τ_k·ln(1/α), plateau losses, coordinates entering/leaving)")
}

// buildSaddlesJSON computes the schedule of p's gradient flow and its jump
// times for α. A failed solve is reported in Error, never as NaN.
func buildSaddlesJSON(ctx context.Context, p *problem.Problem, alpha float64) *jsonSaddles {
	out := &jsonSaddles{
		Alpha:       alpha,
		Coordinates: "0-based, as in the explorer's strip",
	}
	if alpha < 1 {
		out.LogInvAlpha = ptr(math.Log(1 / alpha))
	}
	refs := sim.SolveReferences(ctx, p, sim.Init{}, sim.RefSaddles)
	if err := refs.SaddlesErr; err != nil {
		out.Error = err.Error()
	}
	for k, sd := range refs.Saddles.Saddles {
		js := jsonSaddle{
			K: k, Tau: sd.Tau, Loss: sd.Loss, L1Norm: sd.L1, Beta: sd.Beta,
			Support: nonNil(sd.Support), Enter: []jsonSignedIdx{}, Leave: []jsonSignedIdx{},
		}
		for _, e := range sd.Enter {
			js.Enter = append(js.Enter, jsonSignedIdx{Index: e.Index, Sign: e.Sign})
		}
		for _, l := range sd.Leave {
			js.Leave = append(js.Leave, jsonSignedIdx{Index: l.Index, Sign: l.Sign})
		}
		if out.LogInvAlpha != nil {
			js.Time = ptr(sd.Tau * *out.LogInvAlpha)
		}
		out.Saddles = append(out.Saddles, js)
	}
	return out
}

func nonNil(v []int) []int {
	if v == nil {
		return []int{}
	}
	return v
}

// writeSaddlesTable prints the schedule under the run table.
func writeSaddlesTable(w io.Writer, s *jsonSaddles) error {
	if s == nil {
		return nil
	}
	fmt.Fprintf(w, "\nsaddle-to-saddle schedule of GF as α → 0 (theory.md §9; coordinates 0-based)\n")
	if s.LogInvAlpha != nil {
		fmt.Fprintf(w, "predicted jump times t_k = τ_k·ln(1/α), ln(1/α) = %.4g at α = %g\n", *s.LogInvAlpha, s.Alpha)
	} else {
		fmt.Fprintf(w, "α = %g ≥ 1: no staircase to predict (t_k needs α < 1)\n", s.Alpha)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "k\tτ_k\tt_k\tloss L(β^k)\t‖β^k‖₁\tenters\tleaves\t")
	for _, sd := range s.Saddles {
		fmt.Fprintf(tw, "%d\t%.4f\t%s\t%.4e\t%.4f\t%s\t%s\t\n", sd.K, sd.Tau, formatOptional(sd.Time, "%.4g"),
			sd.Loss, sd.L1Norm, signedList(sd.Enter), signedList(sd.Leave))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if s.Error != "" {
		fmt.Fprintf(w, "schedule incomplete: %s\n", s.Error)
	}
	return nil
}

// signedList prints coordinates with their signs, e.g. "3+ 17−".
func signedList(v []jsonSignedIdx) string {
	if len(v) == 0 {
		return "—"
	}
	parts := make([]string, len(v))
	for i, s := range v {
		sign := "+"
		if s.Sign < 0 {
			sign = "−"
		}
		parts[i] = fmt.Sprintf("%d%s", s.Index, sign)
	}
	return strings.Join(parts, " ")
}
