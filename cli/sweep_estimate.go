package cli

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"time"

	"sgdbias/sim/sweep"
)

// Limits above which a sweep asks for --yes: a job count or an estimated
// wall time this large is more often a typo in a grid than a plan.
const (
	maxJobsUnasked  = 100_000
	maxHoursUnasked = 24 * time.Hour
)

// multiplyAddsPerSecond is the rate one worker reaches on the engine's step
// loops, measured on small problems (n = 40, d = 100) where per-step
// overheads weigh most; larger problems run faster per multiply-add, so
// estimates from it err on the long side.
const multiplyAddsPerSecond = 1.5e9

// confirm prints the job count and an estimate of the time before a sweep
// starts and refuses a sweep above the limits without --yes. It returns
// false with the exit status when the sweep must not run.
func (f *sweepFlags) confirm(w io.Writer, pl sweepPlan) (int, bool) {
	done := make(map[int]bool, len(pl.opts.Done))
	for _, r := range pl.opts.Done {
		done[r.Job] = true
	}
	e := pl.cfg.Estimate(pl.opts.Shard, done)
	workers := pl.opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = max(1, min(workers, e.Jobs))
	wall := time.Duration(e.MultiplyAdds / multiplyAddsPerSecond / float64(workers) * float64(time.Second))
	if e.MultiplyAdds/multiplyAddsPerSecond/float64(workers) > float64(math.MaxInt64/int64(time.Second)) {
		wall = time.Duration(math.MaxInt64)
	}
	if !f.quiet || e.Jobs > maxJobsUnasked || wall > maxHoursUnasked {
		fmt.Fprintf(w, "sgdbias sweep: %s\n", describeEstimate(e, len(pl.opts.Done), workers, wall))
	}
	if f.yes || (e.Jobs <= maxJobsUnasked && wall <= maxHoursUnasked) {
		return 0, true
	}
	fmt.Fprintf(w, "sgdbias sweep: refusing to start above %d jobs or %s without --yes; shrink the grid or --reps, split it with --shard K/N, or give --yes\n",
		maxJobsUnasked, maxHoursUnasked)
	return 2, false
}

// describeEstimate says what is about to run, e.g. "70 jobs on 2 workers,
// at most 875000 steps (≈ 2.1e+10 multiply-adds): at most ≈ 7s".
func describeEstimate(e sweep.Estimate, resumed, workers int, wall time.Duration) string {
	s := fmt.Sprintf("%d jobs", e.Jobs)
	if resumed > 0 {
		s += fmt.Sprintf(" (%d done before, resumed)", resumed)
	}
	return s + fmt.Sprintf(" on %d workers, at most %.3g steps (%.2g multiply-adds): at most ≈ %s; runs that reach --tol stop sooner",
		workers, e.Steps, e.MultiplyAdds, roughDuration(wall))
}

// roughDuration rounds a duration to what an estimate can promise.
func roughDuration(d time.Duration) string {
	switch {
	case d == time.Duration(math.MaxInt64) || d > 1000*24*time.Hour:
		return "more than 1000 days"
	case d > 48*time.Hour:
		return fmt.Sprintf("%.0f days", d.Hours()/24)
	case d > time.Hour:
		return d.Round(time.Minute).String()
	case d > time.Minute:
		return d.Round(time.Second).String()
	case d < time.Second:
		return "1s"
	}
	return d.Round(time.Second).String()
}
