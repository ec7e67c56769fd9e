package sim

import (
	"context"
	"math"
	"time"
)

// SampleSpacing chooses where on the time axis metric samples are taken.
type SampleSpacing int

// Linear samples at equal time intervals; Log at equal ratios, which
// resolves the plateaus of small initialisations.
const (
	Linear SampleSpacing = iota
	Log
)

// RunOptions control a headless run of one method.
type RunOptions struct {
	Horizon Horizon
	Samples int // number of metric samples over the horizon (≥ 2)
	Spacing SampleSpacing
	// OnSample receives every metric sample, the last one included. May be nil.
	OnSample func(Sample)
	// OnProgress receives the fraction of the horizon done. May be nil.
	OnProgress func(float64)
	// Predictor, when set, fills each sample's distance to the predicted
	// limit (a warm-started solve per sample, outside the timed loop).
	Predictor *Predictor
	// EffectiveInit asks for ln α_t per coordinate at the end
	// (RunResult.LogAlpha), a vector of length d kept only when an output
	// prints it.
	EffectiveInit bool
}

// Status is how a run ended. Every run ends in exactly one.
type Status string

// The statuses. Only StatusHorizon and StatusConverged are results; the
// others mean the final numbers must not be read as where the method goes.
const (
	StatusHorizon   Status = "horizon"   // reached the time or step horizon
	StatusConverged Status = "converged" // the training loss reached Horizon.Tol
	StatusDiverged  Status = "diverged"  // the iterates blew up (DivergenceError)
	StatusCollapsed Status = "collapsed" // w± underflowed to 0 everywhere (DivergenceError.Collapsed)
	StatusFailed    Status = "failed"    // the method could not go on (GF's integrator, say)
)

// Statuses lists every status in the order outputs count them.
var Statuses = []Status{StatusHorizon, StatusConverged, StatusDiverged, StatusCollapsed, StatusFailed}

// OK reports whether the run's final state is a result.
func (s Status) OK() bool { return s == StatusHorizon || s == StatusConverged }

// RunResult is the outcome of a headless run.
type RunResult struct {
	Final Sample
	// Beta is β at the end, or at the last finite sample for a run that
	// diverged, collapsed or failed. It is the method's own state, handed
	// over rather than copied (a run at large d holds no second β): it
	// changes if the method steps again.
	Beta []float64
	// LogAlpha is ln α_t per coordinate at the same state as Beta, when
	// RunOptions.EffectiveInit asked for it; nil otherwise.
	LogAlpha []float64
	Status   Status
	// Diverged is set for StatusDiverged and StatusCollapsed.
	Diverged *DivergenceError
	// Failure is the reason of StatusFailed.
	Failure error
	// StepSeconds is the wall time spent inside the step loop only.
	StepSeconds float64
	Converged   bool // the loss reached Horizon.Tol
}

// Err is the reason a run that is not a result ended, or nil.
func (r RunResult) Err() error {
	switch {
	case r.Diverged != nil:
		return r.Diverged
	case r.Failure != nil:
		return r.Failure
	}
	return nil
}

// toleranceCheckSteps bounds how many steps pass between two checks of the
// loss against Horizon.Tol, so that a converged run stops promptly.
const toleranceCheckSteps = 1024

// Run advances m to the horizon, sampling metrics on the way. It stops early
// when ctx is cancelled (returning ctx.Err()); every other end, a divergence,
// a collapse or a failure of the method, is the result's Status.
func Run(ctx context.Context, m Method, s *Sampler, opt RunOptions) (RunResult, error) {
	res, err := run(ctx, m, s, opt, nil)
	if ctx.Err() == nil {
		if rerr := handOver(ctx, m, s, opt, &res); rerr != nil {
			return res, rerr
		}
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return res, err
	case err != nil:
		res.Status, res.Failure = StatusFailed, err
	case res.Diverged != nil:
		res.Status = res.Diverged.Status()
	case res.Converged:
		res.Status = StatusConverged
	default:
		res.Status = StatusHorizon
	}
	return res, nil
}

// handOver sets the result's β (and ln α_t when asked) from the method's
// state at the last finite sample. A run that ended on a result is there
// already. One that diverged, collapsed or failed has moved past it: rather
// than copy β at every sample, which would hold a second vector of length d
// for the rare run that blows up, the method is reset and replayed to that
// sample — the same calls from the same seed repeat the trajectory bit for
// bit (Method.Reset), at the cost of running it twice.
func handOver(ctx context.Context, m Method, s *Sampler, opt RunOptions, res *RunResult) error {
	if st := m.State(); st.Steps != res.Final.Steps || st.Time != res.Final.Time {
		m.Reset()
		replay := opt
		replay.OnSample, replay.OnProgress, replay.Predictor = nil, nil, nil
		if _, err := run(ctx, m, s, replay, &res.Final); err != nil && ctx.Err() != nil {
			return err
		}
		if res.Diverged != nil {
			if st, ok := unwrapMethod(m).(interface{ keepStopped(*DivergenceError) }); ok {
				st.keepStopped(res.Diverged)
			}
		}
	}
	res.Beta = m.State().Beta
	if opt.EffectiveInit {
		res.LogAlpha = make([]float64, len(res.Beta))
		m.LogEffectiveInit(res.LogAlpha)
	}
	return nil
}

// run advances m to the horizon, sampling on the way; with stopAt set it
// stops at the sample point of stopAt's steps and time (a replay). GF may
// step past a sample time up to the horizon and show the sample from inside
// its step (SetHorizon), so that the samples do not cut its steps.
func run(ctx context.Context, m Method, s *Sampler, opt RunOptions, stopAt *Sample) (RunResult, error) {
	dt := TimePerStep(m.Algo(), m.Params())
	end := opt.Horizon.End(dt)
	if !(end > 0) {
		return RunResult{}, opt.Horizon.Validate()
	}
	SetHorizon(m, end)
	times := SampleTimes(end, dt, opt.Samples, opt.Spacing)
	var res RunResult
	emit(opt, &res, measure(m, s, opt.Predictor))
	bg := s.backgroundFor(m, opt, stopAt != nil)
	for i, target := range times {
		if st := m.State(); stopAt != nil && st.Steps == stopAt.Steps && st.Time == stopAt.Time {
			return res, nil
		}
		sampled := m.State().Time
		if err := advanceChunked(ctx, m, s, target, opt.Horizon.Tol, &res); err != nil || res.Diverged != nil {
			bg.finish(opt, &res)
			return res, err
		}
		// Sample times closer than a step (a short horizon, the first log
		// times) find the state already sampled: measuring it again would
		// cost O(d) for a duplicate. Otherwise the sample is taken in the
		// background when the steps to the next point pay for it
		// (samplebackground.go), else here, after the one in the
		// background, if any, is emitted.
		switch now := m.State().Time; {
		case now == sampled:
		case i+1 < len(times) && !res.Converged && bg.worth(m, times[i+1]-now):
			bg.start(m, opt, &res)
		default:
			bg.finish(opt, &res)
			emit(opt, &res, measure(m, s, opt.Predictor))
		}
		if opt.OnProgress != nil {
			opt.OnProgress(math.Min(1, m.State().Time/end))
		}
		if res.Converged {
			break
		}
	}
	bg.finish(opt, &res)
	return res, nil
}

// advanceChunked advances m to target in chunks of at most
// toleranceCheckSteps steps, checking the tolerance and cancellation between
// chunks and timing only the stepping itself.
func advanceChunked(ctx context.Context, m Method, s *Sampler, target, tol float64, res *RunResult) error {
	for {
		// A chunk ends toleranceCheckSteps steps of γ ahead in time too, so
		// that GF, whose steps are longer, checks as often as the others.
		next := math.Min(target, m.State().Time+toleranceCheckSteps*TimePerStep(m.Algo(), m.Params()))
		start := time.Now()
		adv := Advance(ctx, m, next, toleranceCheckSteps)
		res.StepSeconds += time.Since(start).Seconds()
		switch adv.Outcome {
		case Diverged:
			res.Diverged = adv.Divergence
			return nil
		case Cancelled, Failed:
			return adv.Err
		}
		if tol > 0 && s.Loss(m) <= tol {
			res.Converged = true
			return nil
		}
		if adv.Outcome == Reached && next == target {
			return nil
		}
	}
}

// measure takes a sample, with the prediction error when pr is set and its
// solve succeeds (a failed solve leaves HasPrediction false).
func measure(m Method, s *Sampler, pr *Predictor) Sample {
	smp := s.Measure(m)
	if pr != nil {
		_, _ = pr.Measure(m, &smp)
	}
	return smp
}

// TimePerStep is how far one step of algorithm a advances time: γ, or
// γ/(1−μ) for heavy ball (its effective step, see hbMethod).
func TimePerStep(a Algo, p Params) float64 {
	if a.Base() == HB {
		return p.Step / (1 - p.Momentum)
	}
	return p.Step
}

// emit records a finite sample as the latest result and passes it on; the
// state it was taken at is handed over at the end (handOver).
func emit(opt RunOptions, res *RunResult, smp Sample) {
	if !smp.Finite() {
		return
	}
	res.Final = smp
	if opt.OnSample != nil {
		opt.OnSample(smp)
	}
}

// SampleTimes returns the sample times in (0, end], ending at end. Log
// spacing starts at one step (or at end if that is smaller).
func SampleTimes(end, step float64, count int, spacing SampleSpacing) []float64 {
	count = max(count, 2)
	out := make([]float64, 0, count)
	if spacing == Log {
		first := math.Min(step, end)
		ratio := math.Pow(end/first, 1/float64(count-1))
		t := first
		for range count - 1 {
			out = append(out, t)
			t *= ratio
		}
	} else {
		for k := 1; k < count; k++ {
			out = append(out, end*float64(k)/float64(count))
		}
	}
	return append(out, end)
}

// Loss is the full-batch training loss of m now.
func (s *Sampler) Loss(m Method) float64 {
	return s.loss(m)
}
