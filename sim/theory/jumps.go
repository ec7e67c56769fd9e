package theory

import "math"

// jumpFloorRatio stands in for a zero loss of the last plateau when placing
// the midpoint of the last jump: that jump is marked where the loss is
// √(1e-2)·L = L/10 of the plateau before it. The loss then decays
// exponentially at a rate set by the last support, which can be slow; a
// deeper level would time that decay rather than the jump.
const jumpFloorRatio = 1e-2

// JumpThreshold returns the loss level whose first downward crossing marks
// jump k (1 ≤ k ≤ Jumps()) in a run: the geometric midpoint of the plateaus
// L(β^{k−1}) and L(β^k) (theory.md §9, checks), with a zero last plateau
// replaced by jumpFloorRatio·L(β^{k−1}). Any fixed level strictly between
// two plateaus marks the same jump as α → 0: the loss falls from one to the
// other within O(1) time while t_k grows like ln(1/α).
func (sc Schedule) JumpThreshold(k int) float64 {
	hi := sc.Saddles[k-1].Loss
	lo := math.Max(sc.Saddles[k].Loss, jumpFloorRatio*hi)
	return math.Sqrt(hi * lo)
}

// MeasureJumps returns the times at which a run's loss series (times
// increasing) first falls below JumpThreshold(1), then JumpThreshold(2) after
// that, and so on, for as many leading jumps as the series reaches. A crossing
// is placed by interpolating ln L linearly in t between the two samples
// around it (linearly in L when one of them is 0).
func (sc Schedule) MeasureJumps(times, losses []float64) []float64 {
	var out []float64
	i := 0
	for k := 1; k <= sc.Jumps(); k++ {
		level := sc.JumpThreshold(k)
		for i < len(losses) && !(losses[i] <= level) {
			i++
		}
		if i == len(losses) || !(level > 0) {
			break
		}
		out = append(out, crossing(times, losses, i, level))
	}
	return out
}

// crossing places the crossing of level between samples i−1 and i.
func crossing(times, losses []float64, i int, level float64) float64 {
	if i == 0 {
		return times[0]
	}
	t0, t1, l0, l1 := times[i-1], times[i], losses[i-1], losses[i]
	var f float64
	switch {
	case l0 == l1:
		f = 1
	case l1 > 0 && l0 > 0:
		f = math.Log(l0/level) / math.Log(l0/l1)
	default:
		f = (l0 - level) / (l0 - l1)
	}
	return t0 + math.Max(0, math.Min(1, f))*(t1-t0)
}

// JumpTimeErrors returns, for the first jumps of a run with uniform
// initialisation α < 1 measured by MeasureJumps, the errors in rescaled time
// |t_k/ln(1/α) − τ_k| (§9: they shrink like 1/ln(1/α)).
func (sc Schedule) JumpTimeErrors(measured []float64, alpha float64) []float64 {
	out := make([]float64, 0, len(measured))
	scale := math.Log(1 / alpha)
	for k, t := range measured {
		out = append(out, math.Abs(t/scale-sc.Saddles[k+1].Tau))
	}
	return out
}

// JumpErrorJumps is how many leading jumps JumpError averages over: the
// first jumps are the sharp ones; late jumps between plateaus of nearly
// equal loss converge much more slowly in α (theory.md §9).
const JumpErrorJumps = 5

// JumpError summarises how far a run's jumps are from the prediction for
// initialisation α: the mean over the first (at most JumpErrorJumps) jumps
// predicted before the horizon end of |t_k − τ_k·ln(1/α)|/(τ_k·ln(1/α)), the
// relative error of the measured jump time, which is also that of
// t_k/ln(1/α) against τ_k. A predicted jump the run has not made by the end
// counts as made at the end, a lower bound on its error. ok is false when α
// ≥ 1 or no jump is predicted before the end.
func (sc Schedule) JumpError(times, losses []float64, alpha, end float64) (float64, bool) {
	if !(alpha < 1) || !(end > 0) {
		return 0, false
	}
	jumps := 0
	for k := 1; k <= min(sc.Jumps(), JumpErrorJumps) && sc.JumpTime(k, alpha) <= end; k++ {
		jumps = k
	}
	if jumps == 0 {
		return 0, false
	}
	measured := sc.MeasureJumps(times, losses)
	var sum float64
	for k := 1; k <= jumps; k++ {
		t := end
		if k <= len(measured) {
			t = measured[k-1]
		}
		want := sc.JumpTime(k, alpha)
		sum += math.Abs(t-want) / want
	}
	return sum / float64(jumps), true
}
