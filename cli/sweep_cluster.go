package cli

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strings"
	"time"

	"sgdbias/internal/atomicfile"
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

// readPartial loads the records of --out for --resume: the file must be of
// this sweep (same fingerprint) and this shard. A missing file is a fresh
// start, so that one command line serves the first run and every retry.
func (f *sweepFlags) readPartial(pl *sweepPlan) error {
	fi, err := os.Stat(f.out)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("--resume: %s is not a regular file; --resume completes a result file written by --out", f.out)
	}
	part, err := sweep.ReadFile(f.out)
	if err != nil {
		return fmt.Errorf("--resume: %v", err)
	}
	if fp, want := part.Config.Fingerprint(), pl.cfg.Fingerprint(); fp != want {
		return fmt.Errorf("--resume: %s is from a different sweep (fingerprint %.12s…, these flags give %.12s…); give the flags it was written with, or --force without --resume to start over",
			f.out, fp, want)
	}
	if part.Shard != pl.opts.Shard && !(part.Shard.Whole() && pl.opts.Shard.Whole()) {
		return fmt.Errorf("--resume: %s holds shard %s, not %s", f.out, part.Shard, pl.opts.Shard)
	}
	pl.opts.Done, pl.resumedWall = part.Records, part.WallSeconds
	return nil
}

// checkpoint writes a snapshot of the run to --out (which the plan has
// checked may be written); a failure is reported once and the run goes on.
func (f *sweepFlags) checkpoint(std stdio, pl sweepPlan) func(*sweep.Result) {
	warned := false
	return func(res *sweep.Result) {
		if v := Version(); !strings.HasPrefix(v, "unknown") {
			res.Version = v
		}
		res.WallSeconds += pl.resumedWall
		if err := atomicfile.Write(f.out, true, res.WriteJSON); err != nil && !warned {
			fmt.Fprintf(std.err, "sgdbias sweep: --checkpoint-every: %v (the run goes on; --out is written at the end)\n", err)
			warned = true
		}
	}
}
