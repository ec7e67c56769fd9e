package live

import (
	"fmt"
	"math"
	"time"

	"sgdbias/sim"
)

// clock is the shared time axis the shown runs step along, and its pacing.
type clock struct {
	t          float64 // the clock's time
	steps      int64
	state      State
	noAutoStop bool // the user resumed after convergence
	pending    int  // steps asked for by Step while paused

	speed      float64 // target steps per second (Unlimited: flat out)
	paceEpoch  time.Time
	paceSteps  int64
	perStep    float64 // seconds per clock step (EMA), for adaptive chunks
	perCatchup float64 // the same for catch-up chunks
}

func (l *loop) clockRunning() bool {
	return (l.clock.state == Running || l.clock.pending > 0) && l.steppable()
}

func (l *loop) resetPace(now time.Time) {
	l.clock.paceEpoch, l.clock.paceSteps = now, l.clock.steps
}

// Chunk sizing.
const (
	chunkTarget  = 4 * time.Millisecond // work between two looks at the commands
	maxChunk     = 1 << 20
	logSpacing   = 0.02 // a chunk spans at most 2% of the elapsed time, for the log axis
	paceMaxAhead = 0.05 // a paced chunk covers at most 50 ms of schedule
	paceMaxLag   = 0.25 // a backlog beyond 250 ms is dropped, not caught up
)

// clockChunk is how many steps the clock takes now (0: not due yet).
func (l *loop) clockChunk(now time.Time) int {
	k := l.workChunk(l.clock.perStep)
	if l.clock.pending > 0 {
		k = min(k, l.clock.pending)
	} else if !math.IsInf(l.clock.speed, 1) {
		due := l.clock.speed*now.Sub(l.clock.paceEpoch).Seconds() - float64(l.clock.steps-l.clock.paceSteps)
		if due > l.clock.speed*paceMaxLag+1 {
			l.resetPace(now.Add(-time.Duration(float64(time.Second) / l.clock.speed)))
			due = 1
		}
		if due < 1 {
			return 0
		}
		k = min(k, int(due), max(1, int(l.clock.speed*paceMaxAhead)))
	}
	return min(k, logChunk(l.clock.t, l.exp.params.Step))
}

// workChunk is the chunk that takes about chunkTarget, or the fixed one.
func (l *loop) workChunk(perStep float64) int {
	if l.opt.ChunkSteps > 0 {
		return l.opt.ChunkSteps
	}
	if perStep <= 0 {
		return 16
	}
	return int(math.Max(1, math.Min(maxChunk, chunkTarget.Seconds()/perStep)))
}

// logChunk bounds a chunk so that samples are log-spaced early on.
func logChunk(t, step float64) int {
	return int(math.Max(1, math.Min(maxChunk, math.Floor(logSpacing*t/step))))
}

// untilDue is the wait before the next paced step.
func (l *loop) untilDue(now time.Time) time.Duration {
	if math.IsInf(l.clock.speed, 1) {
		return 0
	}
	next := l.clock.paceEpoch.Add(time.Duration(float64(l.clock.steps-l.clock.paceSteps+1) / l.clock.speed * float64(time.Second)))
	d := next.Sub(now)
	if pub := l.pub.lastPub.Add(l.opt.PublishEvery).Sub(now); l.pub.dirty && pub < d {
		d = pub
	}
	return max(d, 0)
}

// stepClock advances the clock by k steps and every run that follows it.
func (l *loop) stepClock(k int) {
	start := time.Now()
	if l.clock.pending > 0 {
		l.clock.pending = max(0, l.clock.pending-k)
		if l.clock.pending == 0 {
			l.pub.urgent = true
		}
	}
	for _, t := range l.exp.tracks {
		t.follow = l.enabled(t) && t.div == nil && l.caughtUp(t)
	}
	l.clock.t += float64(k) * l.exp.params.Step
	l.clock.steps += int64(k)
	for _, t := range l.exp.tracks {
		if t.follow {
			l.advance(t, l.clock.t, 0)
		}
	}
	l.clock.perStep = ema(l.clock.perStep, time.Since(start).Seconds()/float64(k))
	l.pub.dirty = true
	if l.clock.state == Running && !l.clock.noAutoStop && l.allConverged() {
		l.clock.state = Converged
		l.pub.urgent = true
	}
}

func ema(old, v float64) float64 {
	if old <= 0 {
		return v
	}
	return 0.8*old + 0.2*v
}

// allConverged reports whether every shown, live run reached the tolerance.
func (l *loop) allConverged() bool {
	if l.opt.ConvergedLoss < 0 {
		return false
	}
	tol := l.opt.ConvergedLoss * l.exp.l0
	any := false
	for _, t := range l.exp.tracks {
		if !l.enabled(t) || t.div != nil {
			continue
		}
		if !t.has || !l.caughtUp(t) || !(t.latest.Loss <= tol) {
			return false
		}
		any = true
	}
	return any
}

// catchUp advances a late run by one chunk towards the clock, replaying
// the live changes at the clock times they were made.
func (l *loop) catchUp(t *track) {
	for t.applied < len(l.exp.changes) && t.reached(l.exp.changes[t.applied].time) {
		if err := t.m.SetParams(l.exp.changes[t.applied].params); err != nil {
			l.setNotice(err.Error())
		}
		t.applied++
	}
	target := l.clock.t
	if t.applied < len(l.exp.changes) {
		target = l.exp.changes[t.applied].time
	}
	dt := sim.TimePerStep(t.m.Algo(), t.m.Params())
	k := 4 * l.workChunk(l.clock.perCatchup)
	k = min(k, logChunk(t.time(), dt))
	// The time bound keeps GF's samples as dense as the others' (its steps
	// are set by the flow); the step cap bounds the chunk's work.
	target = math.Min(target, t.time()+float64(k)*dt)
	start := time.Now()
	if n := l.advance(t, target, int64(k)); n > 0 {
		l.clock.perCatchup = ema(l.clock.perCatchup, time.Since(start).Seconds()/float64(n))
	}
	for t.applied < len(l.exp.changes) && t.reached(l.exp.changes[t.applied].time) {
		if err := t.m.SetParams(l.exp.changes[t.applied].params); err != nil {
			l.setNotice(err.Error())
		}
		t.applied++
	}
	if l.caughtUp(t) {
		l.pub.urgent = true
	}
}

// advance brings a run towards time target, by at most maxSteps steps
// (≤ 0: all the way), records a sample, and returns the steps taken.
func (l *loop) advance(t *track, target float64, maxSteps int64) int64 {
	if t.div != nil {
		return 0
	}
	adv := sim.Advance(nil, t.m, target, maxSteps) // the loop looks at stop between chunks
	switch adv.Outcome {
	case sim.Diverged:
		de := adv.Divergence
		t.div = newDivergence(de, l.exp.prob, sim.UniformInit(l.exp.sc.Alpha, l.exp.prob.D), l.exp.params.Batch, l.solves.gfLimit)
		l.pub.urgent = true
	case sim.Failed:
		l.setNotice(fmt.Sprintf("%s stopped: %v", t.algo, adv.Err))
		t.div = &Divergence{Status: sim.StatusFailed, Step: t.m.State().Steps, Time: t.m.State().Time,
			Gamma: t.m.Params().Step, Cause: adv.Err.Error()}
	}
	l.sample(t)
	return adv.Steps
}
