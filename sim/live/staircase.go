package live

import (
	"context"
	"math"

	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// StaircaseMaxAlpha is the largest α for which the explorer shows the
// saddle-to-saddle prediction: above it the jumps are too blurred for the
// ln(1/α) time scale to mean much (theory.md §9).
const StaircaseMaxAlpha = 1e-3

// staircaseMaxWork caps n²·d for the explorer's schedule: each saddle costs
// least-squares solves of O(n·|S|²), and the overlay must not hold the solver
// worker (and with it the predicted limits) for long on large problems.
const staircaseMaxWork = 1e8

// Staircase is the small-α saddle-to-saddle schedule of gradient flow on the
// problem (theory.md §9), with its jump times for the run's α. Immutable.
type Staircase struct {
	// Saddles[0] is the origin; saddle k is reached at Times[k] = τ_k·ln(1/α).
	Saddles []theory.Saddle
	Times   []float64
	Alpha   float64
}

// solveStaircase computes the schedule for α = exp(mean of logAlpha), or nil
// when α > StaircaseMaxAlpha, the problem is larger than staircaseMaxWork or
// the solve fails (a failure is no notice: the overlay is an extra).
func solveStaircase(ctx context.Context, p *problem.Problem, logAlpha []float64) *Staircase {
	var mean float64
	for _, la := range logAlpha {
		mean += la
	}
	alpha := math.Exp(mean / float64(len(logAlpha)))
	if !(alpha <= StaircaseMaxAlpha) || float64(p.N)*float64(p.N)*float64(p.D) > staircaseMaxWork {
		return nil
	}
	solver := theory.NewSolver(p.N, p.D, p.X, p.Y)
	solver.Context = ctx
	sc, err := solver.Saddles()
	if err != nil || sc.Jumps() == 0 {
		return nil
	}
	st := &Staircase{Saddles: sc.Saddles, Times: make([]float64, len(sc.Saddles)), Alpha: alpha}
	for k := range sc.Saddles {
		st.Times[k] = sc.JumpTime(k, alpha)
	}
	return st
}

// At returns the index of the saddle the prediction sits on at time t.
func (s *Staircase) At(t float64) int {
	k := 0
	for i, tk := range s.Times {
		if tk <= t {
			k = i
		}
	}
	return k
}

// Plateaus returns the predicted plateau levels of metric m (Loss or L1)
// after each jump, in chart units (log₁₀ for the loss), for flat reference
// lines; the last plateau of the loss, which is 0, has no line. ok is false
// for other metrics.
func (s *Staircase) Plateaus(m Metric) ([]float64, bool) {
	if s == nil || (m != Loss && m != L1) {
		return nil, false
	}
	var out []float64
	for _, sd := range s.Saddles[1:] {
		switch {
		case m == L1:
			out = append(out, sd.L1)
		case sd.Loss > 1e-12*s.Saddles[0].Loss:
			out = append(out, math.Log10(sd.Loss))
		}
	}
	return out, true
}

// JumpColumns returns the columns of the jump times t_k (k ≥ 1) that fall on
// the axis.
func (s *Staircase) JumpColumns(ax Axis, cols int) []int {
	if s == nil {
		return nil
	}
	var out []int
	for _, t := range s.Times[1:] {
		if c, ok := ax.Column(t, cols); ok {
			out = append(out, c)
		}
	}
	return out
}
