package theory

import (
	"context"
	"math"
)

// Saddle is one plateau of small-α gradient flow (theory.md §9): the flow,
// with time rescaled by ln(1/α), reaches β = Beta at rescaled time Tau and
// stays there until the next saddle's Tau.
type Saddle struct {
	Tau     float64   // τ_k; 0 for the origin
	Beta    []float64 // β^k
	Loss    float64   // L(β^k) = ‖Xβ^k − y‖²/(4n), the plateau's loss
	L1      float64   // ‖β^k‖₁
	Support []int     // coordinates with β^k_j ≠ 0, increasing
	// Enter and Leave are the coordinates that join or quit the support at
	// this jump, with the sign β_j has on the side where it is non-zero.
	Enter, Leave []SignedIndex
}

// SignedIndex is a coordinate with a sign (+1 or −1).
type SignedIndex struct {
	Index int
	Sign  int
}

// Schedule is the saddle-to-saddle sequence of gradient flow as α → 0:
// Saddles[0] is the origin at τ = 0, the last one interpolates y and is the
// minimum-ℓ₁ interpolator.
type Schedule struct {
	Saddles []Saddle
}

// Jumps returns the number of jumps, len(Saddles) − 1.
func (sc Schedule) Jumps() int { return max(len(sc.Saddles)-1, 0) }

// JumpTime returns the predicted time t_k = τ_k·ln(1/α) of jump k (1 ≤ k ≤
// Jumps()) for GF from a uniform initialisation α < 1 (§9).
func (sc Schedule) JumpTime(k int, alpha float64) float64 {
	return sc.Saddles[k].Tau * math.Log(1/alpha)
}

// At returns the index of the saddle the rescaled flow sits on at rescaled
// time τ: the last k with τ_k ≤ τ.
func (sc Schedule) At(tau float64) int {
	k := 0
	for i, s := range sc.Saddles {
		if s.Tau <= tau {
			k = i
		}
	}
	return k
}

// Tolerances of the schedule.
const (
	// saddleTieTol: boundary times within this relative distance of the
	// earliest are one event (theory.md §9 step 2: ties join at once).
	saddleTieTol = 1e-12
	// saddleGradTol: |g_j| ≤ saddleGradTol·‖X_j‖·‖y‖/n counts as zero.
	saddleGradTol = 1e-12
)

// maxSaddles bounds the schedule's length; §9 expects at most a small
// multiple of the final support, so a longer one means a numerical loop.
func maxSaddles(d int) int { return 4*d + 20 }

// Saddles computes the saddle-to-saddle schedule of theory.md §9: starting
// from s = 0 at β = 0, each step moves the rescaled mirror variable s by −g
// until the first coordinates reach |s_j| = 1, then solves the
// sign-constrained least squares on the coordinates at the boundary. It stops
// at the first saddle that interpolates y. It checks s.Context between
// steps and inside the least squares.
func (s *Solver) Saddles() (Schedule, error) {
	if s.n >= s.d {
		return Schedule{}, invalidInput("n = %d samples with d = %d coordinates; the schedule needs 1 ≤ n < d", s.n, s.d)
	}
	if !allFinite(s.x) || !allFinite(s.y) {
		return Schedule{}, invalidInput("X or y has a non-finite entry")
	}
	ctx := s.Context
	if ctx == nil {
		ctx = context.Background()
	}
	w := newSaddleWalk(s)
	sc := Schedule{Saddles: []Saddle{w.saddle(0, nil)}}
	for !w.interpolates() {
		if err := ctx.Err(); err != nil {
			return sc, err
		}
		if len(sc.Saddles) > maxSaddles(s.d) {
			return sc, notConverged("more than %d saddles", maxSaddles(s.d))
		}
		delta, ok := w.nextEvent()
		if !ok {
			return sc, notConverged("no coordinate reaches |s_j| = 1 but the residual is %.3g", w.resNorm)
		}
		w.tau += delta
		if math.IsInf(w.tau, 0) || math.IsNaN(w.tau) {
			return sc, notConverged("the rescaled time overflowed after %d saddles", len(sc.Saddles))
		}
		w.advance(delta)
		if err := w.ls.solve(ctx, w.sigma, w.beta); err != nil {
			return sc, err
		}
		w.refresh()
		sc.Saddles = append(sc.Saddles, w.saddle(w.tau, &sc.Saddles[len(sc.Saddles)-1]))
	}
	return sc, nil
}

// saddleWalk is the state of the §9 algorithm between saddles.
type saddleWalk struct {
	solver  *Solver
	ls      *signLS
	tau     float64
	mirror  []float64 // s, in [−1, 1]
	sigma   []float64 // ±1 where |s_j| = 1, else 0
	beta    []float64 // β^k
	g       []float64 // g(β^k) = Xᵀ(Xβ^k − y)/n
	tie     []bool    // coordinates reaching the boundary at this event
	gTol    []float64 // per-coordinate zero threshold of g
	resNorm float64
}

func newSaddleWalk(s *Solver) *saddleWalk {
	w := &saddleWalk{
		solver: s, ls: newSignLS(s.n, s.d, s.x, s.y),
		mirror: make([]float64, s.d), sigma: make([]float64, s.d), beta: make([]float64, s.d),
		g: make([]float64, s.d), tie: make([]bool, s.d), gTol: make([]float64, s.d),
	}
	for j, c := range w.ls.colNorm {
		w.gTol[j] = saddleGradTol * c * w.ls.yNorm / float64(s.n)
	}
	w.refresh()
	return w
}

// refresh recomputes the residual and g at β.
func (w *saddleWalk) refresh() {
	s := w.solver
	r := w.ls.res
	for i := range s.n {
		var sum float64
		for j, x := range s.x[i*s.d : (i+1)*s.d] {
			sum += x * w.beta[j]
		}
		r[i] = sum - s.y[i]
	}
	w.resNorm = vecNorm(r)
	for j := range w.g {
		w.g[j] = w.ls.columnDot(j, r) / float64(s.n)
	}
}

func (w *saddleWalk) interpolates() bool { return w.resNorm <= w.solver.tol() }

// nextEvent returns Δ_k, the rescaled time until the first coordinates reach
// the boundary, and marks them in tie. A coordinate at the boundary whose g
// pushes outwards is held there by its constraint (KKT at the saddle) and
// is skipped, as is one whose g is zero to rounding.
func (w *saddleWalk) nextEvent() (float64, bool) {
	delta := math.Inf(1)
	for j, gj := range w.g {
		w.tie[j] = false
		if dt, ok := w.boundaryTime(j, gj); ok && dt < delta {
			delta = dt
		}
	}
	if math.IsInf(delta, 1) {
		return 0, false
	}
	for j, gj := range w.g {
		if dt, ok := w.boundaryTime(j, gj); ok && dt <= delta*(1+saddleTieTol) {
			w.tie[j] = true
		}
	}
	return delta, true
}

// boundaryTime is δ_j = (1 + sign(g_j)·s_j)/|g_j| (§9 step 2).
func (w *saddleWalk) boundaryTime(j int, gj float64) (float64, bool) {
	if math.Abs(gj) <= w.gTol[j] {
		return 0, false
	}
	sg := math.Copysign(1, gj)
	if math.Abs(w.mirror[j]) == 1 && sg*w.mirror[j] < 0 {
		return 0, false // pushed outwards at the boundary: the constraint holds it
	}
	return (1 + sg*w.mirror[j]) / math.Abs(gj), true
}

// advance moves s by −Δ·g (g zero to rounding counts as zero), puts the coordinates of the event exactly on the
// boundary, clamps the rest into [−1, 1] and sets the signs σ of step 4.
func (w *saddleWalk) advance(delta float64) {
	for j, gj := range w.g {
		sj := w.mirror[j]
		if math.Abs(gj) > w.gTol[j] { // g_j = 0 to rounding holds s_j, on the boundary above all
			sj -= delta * gj
		}
		if w.tie[j] {
			sj = -math.Copysign(1, gj)
		}
		sj = math.Max(-1, math.Min(1, sj))
		w.mirror[j] = sj
		w.sigma[j] = 0
		if math.Abs(sj) == 1 {
			w.sigma[j] = sj
		}
	}
}

// saddle records the current β with its changes from prev (nil for the origin).
func (w *saddleWalk) saddle(tau float64, prev *Saddle) Saddle {
	beta := append([]float64(nil), w.beta...)
	sd := Saddle{Tau: tau, Beta: beta, Loss: w.resNorm * w.resNorm / (4 * float64(w.solver.n))}
	for j, b := range beta {
		if b != 0 {
			sd.L1 += math.Abs(b)
			sd.Support = append(sd.Support, j)
		}
	}
	if prev == nil {
		return sd
	}
	for j, b := range beta {
		was := prev.Beta[j]
		if was != 0 && (b == 0 || math.Signbit(b) != math.Signbit(was)) {
			sd.Leave = append(sd.Leave, SignedIndex{Index: j, Sign: signOf(was)})
		}
		if b != 0 && (was == 0 || math.Signbit(b) != math.Signbit(was)) {
			sd.Enter = append(sd.Enter, SignedIndex{Index: j, Sign: signOf(b)})
		}
	}
	return sd
}

func signOf(x float64) int {
	if x < 0 {
		return -1
	}
	return 1
}
