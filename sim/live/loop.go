package live

import (
	"time"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// loop is the state owned by the runner's goroutine, grouped by the file
// that keeps each part.
type loop struct {
	r      *Runner
	opt    Options
	exp    experiment  // runs.go: the scenario, the problem and the runs
	clock  clock       // clock.go: the time axis, pacing and catch-up
	solves solves      // solves.go: the solver worker's jobs and results
	pub    publication // publish.go: snapshots
	events events      // loop.go: what the event loop waits on
}

// newLoop is the loop of a runner that starts from scenario sc and runs
// algos, of which those in show are shown.
func newLoop(sc Scenario, opt Options, algos []sim.Algo, show map[sim.Algo]bool) *loop {
	l := &loop{opt: opt}
	l.exp.sc, l.exp.algos, l.exp.show = sc, algos, show
	l.solves.jobs = make(chan job, 1)
	l.solves.results = make(chan result, 1)
	return l
}

// events is the event loop's own state: what it waits on and holds.
type events struct {
	timer   *time.Timer
	queued  []Command // commands received while waiting, applied by the next drain
	applied uint64    // commands applied so far
	grant   *Grant    // a slot of Options.Budget, requested or held
}

// run is the runner's goroutine.
func (l *loop) run() {
	l.events.timer = time.NewTimer(time.Hour)
	l.events.timer.Stop()
	defer l.events.timer.Stop()
	for {
		if !l.drain() {
			return
		}
		now := time.Now()
		lag := l.lagging()
		k := 0
		if l.clockRunning() {
			k = l.clockChunk(now)
		}
		if lag != nil || k > 0 {
			admitted, ok := l.admit()
			if !ok {
				return
			}
			if !admitted {
				continue // a command or a solve came in meanwhile
			}
			if lag != nil {
				l.catchUp(lag)
			}
			if l.clockRunning() {
				if k := l.clockChunk(time.Now()); k > 0 {
					l.stepClock(k)
				}
			}
			l.releaseGrant()
			now = time.Now()
			l.dispatch(now)
			l.maybePublish(now)
			continue
		}
		l.releaseGrant()
		l.dispatch(now)
		if l.clockRunning() { // the next paced step is not due yet
			l.maybePublish(now)
			if !l.wait(l.untilDue(now)) {
				return
			}
			continue
		}
		if l.pub.dirty {
			l.publish(now)
		}
		if !l.wait(-1) {
			return
		}
	}
}

// admit takes a slot of the shared budget for the next chunk. While it
// waits, solve results are collected, a command ends the wait (the loop
// applies it and comes back, keeping its place in the queue) and due
// snapshots are published. admitted reports that the slot is held; ok is
// false when the runner must stop.
func (l *loop) admit() (admitted, ok bool) {
	if l.opt.Budget == nil {
		return true, true
	}
	if l.events.grant == nil {
		l.events.grant = l.opt.Budget.Request()
	}
	select {
	case <-l.events.grant.Ready():
		return true, true
	default:
	}
	now := time.Now()
	l.dispatch(now)
	l.maybePublish(now)
	var tc <-chan time.Time
	if l.pub.dirty {
		l.events.timer.Reset(max(0, l.pub.lastPub.Add(l.opt.PublishEvery).Sub(now)))
		tc = l.events.timer.C
		defer l.events.timer.Stop()
	}
	select {
	case <-l.events.grant.Ready():
		return true, true
	case <-l.r.stop:
		return false, false
	case res := <-l.solves.results:
		l.collect(res)
	case c := <-l.r.cmds:
		l.events.queued = append(l.events.queued, c)
	case <-tc:
		l.maybePublish(time.Now())
	}
	return false, true
}

// releaseGrant gives back the budget slot held or requested, if any.
func (l *loop) releaseGrant() {
	if l.events.grant != nil {
		l.events.grant.Release()
		l.events.grant = nil
	}
}

// drain applies every queued command and collects finished solves; false
// means stop. Commands apply in order; restarts in a row are done once,
// before the next command that is not a restart.
func (l *loop) drain() bool {
	var rebuild *problem.Spec
	restart := false
	saved := l.exp.sc
	flush := func() {
		if restart || rebuild != nil {
			if err := l.build(rebuild); err != nil {
				saved.Params = l.exp.params
				l.exp.sc = saved
				l.setNotice(err.Error())
			} else if l.exp.recalibrate {
				l.clock.speed = normSpeed(DefaultSpeedFor(l.exp.sc, l.exp.prob))
				l.resetPace(time.Now())
			}
		}
		l.exp.recalibrate = false
		restart, rebuild, saved = false, nil, l.exp.sc
	}
	handle := func(c Command) {
		if !c.restarts() {
			flush()
		}
		l.apply(c, &restart, &rebuild)
	}
	for _, c := range l.events.queued {
		handle(c)
	}
	l.events.queued = l.events.queued[:0]
	for {
		select {
		case <-l.r.stop:
			return false
		case res := <-l.solves.results:
			l.collect(res)
			continue
		case c := <-l.r.cmds:
			handle(c)
			continue
		default:
		}
		break
	}
	flush()
	return true
}

// wait blocks until a command, a solve result, stop or the timeout (d < 0:
// none); false means stop.
func (l *loop) wait(d time.Duration) bool {
	var tc <-chan time.Time
	if d >= 0 {
		l.events.timer.Reset(d)
		tc = l.events.timer.C
		defer l.events.timer.Stop()
	}
	select {
	case <-l.r.stop:
		return false
	case res := <-l.solves.results:
		l.collect(res)
	case c := <-l.r.cmds:
		l.events.queued = append(l.events.queued, c) // applied by the next drain
	case <-tc:
	}
	return true
}
