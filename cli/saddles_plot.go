package cli

import (
	"context"
	"flag"
	"fmt"
	"math"

	"gonum.org/v1/plot/vg"

	"sgdbias/figure"
	"sgdbias/sim"
	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// saddlesPlotAlphas are the initialisations of the --saddles-plot figure:
// ln(1/α) from 9 to 74, where §9's corrections of order 1/ln(1/α) shrink
// visibly.
var saddlesPlotAlphas = []float64{1e-4, 1e-6, 1e-8, 1e-12, 1e-16, 1e-24, 1e-32}

func addSaddlesPlotFlag(fs *flag.FlagSet, path *string) {
	fs.StringVar(path, "saddles-plot", "", "with the schedule, write `FILE`.svg, .png or .pdf: how late GF's measured jump times are against the prediction τ_k·ln(1/α), in %, for the first five jumps, against ln(1/α) from α = 1e-4 to 1e-32 (implies --saddles)")
}

// checkSaddlesPlot refuses a --saddles-plot name that is not a figure
// format (figure.FormatFor) before anything runs.
func checkSaddlesPlot(path string) error {
	if path == "" {
		return nil
	}
	if _, err := figure.FormatFor(path); err != nil {
		return fmt.Errorf("--saddles-plot: %v", err)
	}
	return nil
}

// writeSaddlesPlot runs GF on p from each of saddlesPlotAlphas, measures
// its first jumps and plots how late they are against the prediction, in
// percent (theory.md §9).
func writeSaddlesPlot(ctx context.Context, path string, p *problem.Problem) error {
	solver := theory.NewSolver(p.N, p.D, p.X, p.Y)
	solver.Context = ctx
	sc, err := solver.Saddles()
	if err != nil {
		return err
	}
	jumps := min(theory.JumpErrorJumps, sc.Jumps())
	if jumps == 0 {
		return fmt.Errorf("the schedule has no jump (y = 0?)")
	}
	series := make([]figure.Series, jumps+1)
	for k := range jumps {
		series[k].Name = fmt.Sprintf("jump %d (τ = %.3f)", k+1, sc.Saddles[k+1].Tau)
	}
	series[jumps].Name = "prediction t_k = τ_k·ln(1/α)"
	for _, alpha := range saddlesPlotAlphas {
		measured, err := sim.GFJumpTimes(ctx, p, sc, alpha, jumps)
		if err != nil {
			return fmt.Errorf("GF from α = %g: %w", alpha, err)
		}
		x := math.Log(1 / alpha)
		for k := range jumps {
			y := math.NaN() // a jump GF has not made is a gap
			if k < len(measured) {
				y = 100 * (measured[k]/sc.JumpTime(k+1, alpha) - 1)
			}
			series[k].X, series[k].Y = append(series[k].X, x), append(series[k].Y, y)
		}
		series[jumps].X, series[jumps].Y = append(series[jumps].X, x), append(series[jumps].Y, 0)
	}
	fig := figure.Plot{
		Title:  "Saddle to saddle: GF's jump times against the prediction",
		XLabel: "ln(1/α)",
		YLabel: "measured t_k vs τ_k·ln(1/α) (% late)",
		Series: series,
		Width:  5 * vg.Inch, Height: 3.4 * vg.Inch,
	}
	return fig.WriteFile(path, true)
}
