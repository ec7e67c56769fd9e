package live

import (
	"time"

	"sgdbias/sim"
)

// solves is the loop's side of the solver worker (worker.go): the job in
// flight and the reference levels received.
type solves struct {
	refs     References
	gfLimit  []float64
	lasso    []float64 // the Lasso solution, when a run has label noise
	jobs     chan job
	results  chan result
	busy     bool // a job is out; the worker takes one at a time
	refsWant bool
	predNext int // the run whose prediction is next, round-robin
	predDur  time.Duration
	predEnd  time.Time
}

// dispatch hands the solver worker its next job: the references first,
// then predictions round-robin, throttled while the clock runs.
func (l *loop) dispatch(now time.Time) {
	if l.solves.busy {
		return
	}
	if l.solves.refsWant {
		l.solves.refsWant = false
		l.send(job{kind: jobRefs, gen: l.exp.gen, prob: l.exp.prob, init: sim.UniformInit(l.exp.sc.Alpha, l.exp.prob.D), lasso: l.lassoWeights()})
		return
	}
	if l.clockRunning() {
		wait := max(l.opt.PredictEvery, 10*l.solves.predDur)
		if now.Sub(l.solves.predEnd) < wait {
			return
		}
	}
	for i := range l.exp.tracks {
		idx := (l.solves.predNext + i) % len(l.exp.tracks)
		t := l.exp.tracks[idx]
		if !l.enabled(t) || t.div != nil || !t.has || !l.caughtUp(t) {
			continue
		}
		// A state predicted while the clock ran (warm) is solved once more,
		// cold, when the clock stops on it.
		if t.predTime == t.time() && (l.clockRunning() || t.pred == nil || t.pred.cold) {
			continue
		}
		// While the clock stands still the state is what the user reads at
		// leisure: solve it cold, so that the digits shown do not depend on
		// how many predictions happened to run before (determinism).
		j := job{kind: jobPredict, gen: l.exp.gen, prob: l.exp.prob, algo: t.algo, run: t.id, time: t.time(),
			logAlpha: make([]float64, l.exp.prob.D), tilt: make([]float64, l.exp.prob.D), cold: !l.clockRunning(), steps: t.m.State().Steps}
		t.m.LogEffectiveInit(j.logAlpha)
		t.m.Tilt(j.tilt)
		t.predTime = j.time
		l.solves.predNext = idx + 1
		l.send(j)
		return
	}
}

func (l *loop) send(j job) {
	l.solves.busy = true
	l.solves.jobs <- j // never blocks: one slot, and only an idle worker gets a job
}

// collect stores a finished solve.
func (l *loop) collect(res result) {
	l.solves.busy = false
	if res.gen != l.exp.gen {
		return
	}
	l.pub.dirty = true
	switch res.kind {
	case jobRefs:
		l.pub.dataVer++
		l.solves.refs, l.solves.gfLimit, l.solves.lasso = res.refs, res.gfLimit, res.lasso
		if res.refs.Err != "" {
			l.setNotice("reference solve failed: " + res.refs.Err)
		}
		in := sim.UniformInit(l.exp.sc.Alpha, l.exp.prob.D)
		for _, t := range l.exp.tracks {
			if t.div != nil && t.div.err != nil && l.solves.gfLimit != nil {
				*t.div = *newDivergence(t.div.err, l.exp.prob, in, l.exp.params.Batch, l.solves.gfLimit)
			}
		}
	case jobPredict:
		l.solves.predDur, l.solves.predEnd = res.dur, time.Now()
		t := l.track(res.run)
		if t == nil {
			return // the run was removed meanwhile
		}
		if res.err != nil {
			t.pred = nil
			return
		}
		p := &predState{beta: res.beta, time: res.time, l1: l1(res.beta), cold: res.cold}
		p.testErr, p.hasTestError = l.exp.prob.TestError(res.beta)
		p.steps = res.steps // the state solved, not where the run is now
		t.pred = p
	}
}
