package live

import (
	"math"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// Unlimited is the speed of a clock that runs flat out.
var Unlimited = math.Inf(1)

// speedLadder is the log ladder of target speeds, in steps per second, that
// the explorer's +/- keys walk: 1-2-5 per decade from a few steps per second
// to a million, then flat out.
func speedLadder() []float64 {
	return []float64{
		2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, math.Inf(1),
	}
}

// SpeedLadder returns the ladder of target speeds (the last is Unlimited).
func SpeedLadder() []float64 { return speedLadder() }

// FasterSpeed is the next rung above v.
func FasterSpeed(v float64) float64 {
	for _, r := range speedLadder() {
		if r > v*1.0001 {
			return r
		}
	}
	return Unlimited
}

// SlowerSpeed is the next rung below v.
func SlowerSpeed(v float64) float64 {
	ladder := speedLadder()
	for i := len(ladder) - 1; i >= 0; i-- {
		if ladder[i] < v/1.0001 {
			return ladder[i]
		}
	}
	return ladder[0]
}

// interestingSeconds is the wall time the interesting part of a scenario
// (the plateau, the escape of the support, the decay of α_t) should take at
// the default speed.
const interestingSeconds = 20

// interestingFraction is the fallback guess of where a scenario's dynamics
// happen when they cannot be measured: the first fifth of its horizon.
const interestingFraction = 0.2

// CalibrationWork bounds the measuring run's work, in units of n·d (what one
// full-batch gradient costs): it takes at most CalibrationWork/(n·d) steps,
// so the same scenario gets the same default speed on any machine, however
// loaded. Every preset's interesting part ends well inside the bound (by
// step 2750 of at least 10⁴ allowed) and gets the estimate it gets from its
// whole horizon; the run is a few tenths of a second of work at most.
const CalibrationWork = 5e7

// calibrationSamples is how many measurements the run takes over the horizon.
const calibrationSamples = 400

// DefaultSpeedFor is the ladder rung at which the interesting part of the
// scenario takes about 20 s. It measures that part with a quick headless
// run over the horizon: the steps until the loss is below 10⁻³·L(0) and,
// with SGF noise, until SGF has done 99% of the decay of its α_t, whichever
// comes later (on the seed paper's scenario, α = 0.1, γ = 0.08: about 410
// of 6250 steps, so 20 steps/s). The run is SGF's when there is noise, GD's
// otherwise. It stops after CalibrationWork/(n·d) steps; if the loss has
// not come down by then, or the run learns nothing, it falls back to
// DefaultSpeed.
func DefaultSpeedFor(sc Scenario, p *problem.Problem) float64 {
	c := Calibrate(sc, p)
	if !c.OK {
		return DefaultSpeed(sc.Horizon.StepsOf(sc.Params.Step))
	}
	return nearestRung(float64(c.Steps) / interestingSeconds)
}

// Calibration is the outcome of DefaultSpeedFor's measuring run.
type Calibration struct {
	Steps int64 // where the interesting part ends
	Ran   int64 // the steps the run took
	OK    bool  // false: no estimate, DefaultSpeed applies
}

// Calibrate measures where the scenario's dynamics end (see
// DefaultSpeedFor), with SGF or GD, over the horizon or as much of it as
// CalibrationWork allows (the decay of SGF's α_t is then the decay seen so
// far).
func Calibrate(sc Scenario, p *problem.Problem) Calibration {
	horizon := int64(math.Min(sc.Horizon.StepsOf(sc.Params.Step), 1e9))
	if horizon < 10 || !(sc.Alpha > 0) {
		return Calibration{}
	}
	last := min(horizon, int64(CalibrationWork/(float64(p.N)*float64(p.D))))
	algo := sim.GD
	if sc.Params.Noise > 0 {
		algo = sim.SGF
	}
	in := sim.UniformInit(sc.Alpha, p.D)
	m, err := sim.NewMethod(algo, p, sim.Config{Init: in, Params: sc.Params, Seed: sc.Seed})
	if err != nil || last < 1 {
		return Calibration{}
	}
	sampler := sim.NewSampler(p, in)
	first := sampler.Measure(m)
	var losses, logAlphas []calibrationPoint
	chunk := max(1, horizon/calibrationSamples)
	for m.State().Steps < last {
		k := min(last, m.State().Steps+chunk)
		// GD's and SGF's steps are γ long, so step k is at time kγ.
		if adv := sim.Advance(nil, m, float64(k)*sc.Params.Step, k-m.State().Steps); adv.Outcome != sim.Reached {
			return Calibration{Ran: m.State().Steps}
		}
		s := sampler.Measure(m)
		losses = append(losses, calibrationPoint{k, s.Loss})
		logAlphas = append(logAlphas, calibrationPoint{k, math.Log(s.AlphaGeoMean)})
	}
	c := Calibration{Ran: m.State().Steps}
	c.Steps, c.OK = firstBelow(losses, first.Loss*1e-3) // the loss is down to 10⁻³·L(0)
	if algo == sim.SGF {                                // the calibration run itself, never a variant
		start, end := math.Log(first.AlphaGeoMean), logAlphas[len(logAlphas)-1].v
		if !(end < start) {
			return Calibration{Ran: c.Ran}
		}
		decay, decayed := firstBelow(logAlphas, start+0.99*(end-start)) // 99% of the decay of ln α_t
		if !decayed {
			return Calibration{Ran: c.Ran}
		}
		c.Steps, c.OK = max(c.Steps, decay), true
	}
	return c
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
	ladder := speedLadder()
	best, bestDist := ladder[0], math.Inf(1)
	for _, r := range ladder[:len(ladder)-1] {
		if d := math.Abs(math.Log(r / v)); d < bestDist {
			best, bestDist = r, d
		}
	}
	return best
}
