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

// Staircase is the small-α saddle-to-saddle schedule of gradient flow on the
// problem (theory.md §9), with its jump times for the run's α. Immutable.
type Staircase struct {
	// Saddles[0] is the origin; saddle k is reached at Times[k] = τ_k·ln(1/α).
	Saddles []theory.Saddle
	Times   []float64
	Alpha   float64
}

// solveStaircase computes the schedule for α = exp(mean of logAlpha), or nil
// when α > StaircaseMaxAlpha or the solve fails (a failure is no notice: the
// overlay is an extra).
func solveStaircase(ctx context.Context, p *problem.Problem, logAlpha []float64) *Staircase {
	var mean float64
	for _, la := range logAlpha {
		mean += la
	}
	alpha := math.Exp(mean / float64(len(logAlpha)))
	if !(alpha <= StaircaseMaxAlpha) {
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

// Levels returns, per column of the axis, the predicted plateau of metric
// m (Loss or L1) in chart units (log₁₀ for the loss), NaN in the columns of
// a jump and where there is nothing to draw: before the axis, and the last
// plateau of the loss, which is 0. ok is false for other metrics.
func (s *Staircase) Levels(m Metric, ax Axis, cols int) ([]float64, bool) {
	if s == nil || (m != Loss && m != L1) || cols < 1 || !ax.Valid() {
		return nil, false
	}
	out := make([]float64, cols)
	for c := range out {
		t := ax.At(float64(c) / float64(max(cols-1, 1)))
		k := s.At(t)
		out[c] = s.level(m, k)
		if c > 0 && s.At(ax.At(float64(c-1)/float64(max(cols-1, 1)))) != k {
			out[c] = math.NaN() // the jump itself: a gap, not a vertical line
		}
	}
	return out, true
}

func (s *Staircase) level(m Metric, k int) float64 {
	sd := s.Saddles[k]
	if m == L1 {
		return sd.L1
	}
	if !(sd.Loss > 1e-12*s.Saddles[0].Loss) {
		return math.NaN()
	}
	return math.Log10(sd.Loss)
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
