package live

import (
	"math"
	"time"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// Unlimited is the speed of a clock that runs flat out.
var Unlimited = math.Inf(1)

// speedLadder is the log ladder of target speeds, in steps per second, that
// the explorer's +/- keys walk: 1-2-5 per decade from a few steps per second
// to a million, then flat out.
var speedLadder = []float64{
	2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, math.Inf(1),
}

// SpeedLadder returns the ladder of target speeds (the last is Unlimited).
func SpeedLadder() []float64 { return append([]float64(nil), speedLadder...) }

// FasterSpeed is the next rung above v.
func FasterSpeed(v float64) float64 {
	for _, r := range speedLadder {
		if r > v*1.0001 {
			return r
		}
	}
	return Unlimited
}

// SlowerSpeed is the next rung below v.
func SlowerSpeed(v float64) float64 {
	for i := len(speedLadder) - 1; i >= 0; i-- {
		if speedLadder[i] < v/1.0001 {
			return speedLadder[i]
		}
	}
	return speedLadder[0]
}

// interestingSeconds is the wall time the interesting part of a scenario
// (the plateau, the escape of the support, the decay of α_t) should take at
// the default speed.
const interestingSeconds = 20

// interestingFraction is the fallback guess of where a scenario's dynamics
// happen when they cannot be measured: the first fifth of its horizon.
const interestingFraction = 0.2

// calibrationBudget bounds the wall time of the measuring run.
const calibrationBudget = 250 * time.Millisecond

// DefaultSpeedFor is the ladder rung at which the interesting part of the
// scenario takes about 20 s. It measures that part with a quick headless
// run over the horizon: the steps until the loss is below 10⁻³·L(0) and,
// with SGF noise, until SGF has done 99% of the decay of its α_t, whichever
// comes later (on the seed paper's scenario, α = 0.1, γ = 0.08: about 410
// of 6250 steps, so 20 steps/s). The run is SGF's when there is noise, GD's
// otherwise. If it would take longer than a quarter of a second, or learns
// nothing, it falls back to DefaultSpeed.
func DefaultSpeedFor(sc Scenario, p *problem.Problem) float64 {
	steps, ok := interestingSteps(sc, p)
	if !ok {
		return DefaultSpeed(sc.Horizon.StepsOf(sc.Params.Step))
	}
	return nearestRung(float64(steps) / interestingSeconds)
}

// interestingSteps measures where the scenario's dynamics end (see
// DefaultSpeedFor).
func interestingSteps(sc Scenario, p *problem.Problem) (int64, bool) {
	horizon := int64(math.Min(sc.Horizon.StepsOf(sc.Params.Step), 1e9))
	if horizon < 10 || !(sc.Alpha > 0) {
		return 0, false
	}
	algo := sim.GD
	if sc.Params.Noise > 0 {
		algo = sim.SGF
	}
	in := sim.UniformInit(sc.Alpha, p.D)
	m, err := sim.NewMethod(algo, p, sim.Config{Init: in, Params: sc.Params, Seed: sc.Seed})
	if err != nil {
		return 0, false
	}
	sampler := sim.NewSampler(p, in)
	first := sampler.Measure(m)
	deadline := time.Now().Add(calibrationBudget)
	var losses, logAlphas []calibrationPoint
	chunk := max(1, horizon/400)
	for k := int64(0); k < horizon; {
		k = min(horizon, k+chunk)
		if err := m.AdvanceTo(float64(k) * sc.Params.Step); err != nil || time.Now().After(deadline) {
			return 0, false
		}
		s := sampler.Measure(m)
		losses = append(losses, calibrationPoint{k, s.Loss})
		logAlphas = append(logAlphas, calibrationPoint{k, math.Log(s.AlphaGeoMean)})
	}
	steps, ok := firstBelow(losses, first.Loss*1e-3) // the loss is down to 10⁻³·L(0)
	if algo == sim.SGF {                             // the calibration run itself, never a variant
		start, end := math.Log(first.AlphaGeoMean), logAlphas[len(logAlphas)-1].v
		if !(end < start) {
			return 0, false
		}
		decay, decayed := firstBelow(logAlphas, start+0.99*(end-start)) // 99% of the decay of ln α_t
		if !decayed {
			return 0, false
		}
		steps, ok = max(steps, decay), true
	}
	return steps, ok
}

// calibrationPoint is one measurement of the calibration run.
type calibrationPoint struct {
	steps int64
	v     float64
}

// firstBelow returns the steps of the first finite point at or below target.
func firstBelow(pts []calibrationPoint, target float64) (int64, bool) {
	for _, pt := range pts {
		if pt.v <= target && finite(pt.v) {
			return pt.steps, true
		}
	}
	return 0, false
}

// DefaultSpeed is the fallback default: the rung at which the first fifth
// of a horizon of horizonSteps steps takes about 20 s.
func DefaultSpeed(horizonSteps float64) float64 {
	if !(horizonSteps > 0) || math.IsInf(horizonSteps, 0) {
		return 100
	}
	return nearestRung(horizonSteps * interestingFraction / interestingSeconds)
}

func nearestRung(v float64) float64 {
	best, bestDist := speedLadder[0], math.Inf(1)
	for _, r := range speedLadder[:len(speedLadder)-1] {
		if d := math.Abs(math.Log(r / v)); d < bestDist {
			best, bestDist = r, d
		}
	}
	return best
}
