package live

import (
	"math"
	"slices"
	"time"

	"sgdbias/sim"
)

// publication is what the loop needs to publish snapshots: versions, the
// frame pacing and the measured rate.
type publication struct {
	version   uint64
	dataVer   uint64 // bumped whenever what the charts show changes
	dirty     bool   // something changed since the last snapshot
	urgent    bool   // publish at once (a command, an event the user waits for)
	lastPub   time.Time
	rate      float64
	rateT     time.Time
	rateSteps int64
	notice    Notice
}

func (l *loop) setNotice(text string) {
	l.pub.notice = Notice{Seq: l.pub.notice.Seq + 1, Text: text}
	l.pub.urgent, l.pub.dirty = true, true
}

// maybePublish publishes when something changed and a frame is due, or at
// once after a command or an event the user waits for.
func (l *loop) maybePublish(now time.Time) {
	if l.pub.urgent || (l.pub.dirty && now.Sub(l.pub.lastPub) >= l.opt.PublishEvery) {
		l.publish(now)
	}
}

// coordsShown is how many coordinates the strip can show at most.
const coordsShown = 16

// publish builds an immutable snapshot and swaps it in.
func (l *loop) publish(now time.Time) {
	l.pub.version++
	running := l.clockRunning() && l.clock.state == Running
	if !running {
		l.pub.rate, l.pub.rateT, l.pub.rateSteps = 0, now, l.clock.steps
	} else if dt := now.Sub(l.pub.rateT).Seconds(); l.pub.rateT.IsZero() || dt > 2 {
		l.pub.rateT, l.pub.rateSteps = now, l.clock.steps
	} else if dt >= 0.25 {
		inst := float64(l.clock.steps-l.pub.rateSteps) / dt
		if l.pub.rate == 0 {
			l.pub.rate = inst
		} else {
			l.pub.rate = 0.5*l.pub.rate + 0.5*inst
		}
		l.pub.rateT, l.pub.rateSteps = now, l.clock.steps
	}
	p := l.exp.prob
	s := &Snapshot{
		Version:     l.pub.version,
		DataVersion: l.pub.dataVer,
		Applied:     l.events.applied,
		Generation:  l.exp.gen,
		Problem: ProblemInfo{N: p.N, D: p.D, S: l.sparsity(), Seed: l.exp.sc.Seed, Loaded: l.exp.sc.Data != nil,
			Source: p.Source, HasBetaStar: p.BetaStar != nil},
		Alpha:       l.exp.sc.Alpha,
		Params:      l.exp.params,
		Time:        l.clock.t,
		Steps:       l.clock.steps,
		StepsPerSec: l.pub.rate,
		Speed:       l.clock.speed,
		State:       l.clock.state,
		Refs:        l.solves.refs,
		Notice:      l.pub.notice,
	}
	if l.allDiverged() {
		s.State = Diverged
	} else if l.clock.state == Running && !l.steppable() {
		s.State = Paused
	}
	for _, c := range l.exp.changes[max(0, len(l.exp.changes)-maxMarkers):] {
		s.Markers = append(s.Markers, Marker{Time: c.time, Steps: c.steps, Label: c.label})
	}
	s.Coords = l.topCoords()
	if p.BetaStar != nil {
		s.StarTop = pick(p.BetaStar, s.Coords)
	}
	if l.solves.lasso != nil {
		s.LassoTop = pick(l.solves.lasso, s.Coords)
	}
	for _, t := range l.exp.tracks {
		if t.pubVer != t.histVer || t.pubLin == nil {
			t.pubLin, t.pubLog, t.pubVer = t.lin.clone(), t.log.clone(), t.histVer
			t.pubAlphas = newAlphaProfile(t.m, p.BetaStar)
			t.pubAvg = l.publishAverage(t, s.Coords)
		}
		run := Run{
			Algo: t.algo, Enabled: l.enabled(t), CatchingUp: l.enabled(t) && t.div == nil && !l.caughtUp(t),
			Latest: t.latest, HasLatest: t.has, Top: pick(t.m.State().Beta, s.Coords),
			lin: t.pubLin, log: t.pubLog, Alphas: t.pubAlphas, Average: t.pubAvg,
		}
		if t.div != nil {
			d := *t.div
			run.Diverged = &d
		}
		if t.pred != nil && t.div == nil { // no limit for a run that stopped
			run.Prediction = &Prediction{Steps: t.pred.steps, L1: t.pred.l1, TestError: t.pred.testErr,
				HasTestError: t.pred.hasTestError, Top: pick(t.pred.beta, s.Coords), Final: t.pred.cold}
		}
		s.Runs = append(s.Runs, run)
	}
	s.Scenario = l.exp.sc
	s.Scenario.Params = l.exp.params
	s.Scenario.Algos = shownAlgos(l.exp.sc.Algos, s.Runs)
	l.r.snap.Store(s)
	next := make(chan struct{})
	close(*l.r.changed.Swap(&next))
	l.pub.lastPub, l.pub.dirty, l.pub.urgent = now, false, false
}

// shownAlgos are the shown runs in the scenario's order (the order a
// command line or file gave them, which is the order 'run' reports them
// in), then the runs switched on since, in display order.
func shownAlgos(order []sim.Algo, runs []Run) []sim.Algo {
	var out []sim.Algo
	for _, a := range order {
		for _, r := range runs {
			if r.Enabled && r.Algo == a {
				out = append(out, a)
			}
		}
	}
	for _, r := range runs {
		if r.Enabled && !slices.Contains(out, r.Algo) {
			out = append(out, r.Algo)
		}
	}
	return out
}

// maxMarkers bounds the live-change markers a snapshot carries.
const maxMarkers = 32

func (l *loop) sparsity() int {
	n := 0
	for _, b := range l.exp.prob.BetaStar {
		if b != 0 {
			n++
		}
	}
	return n
}

// topCoords picks the coordinates with the largest |β*|, |β_t| or |β̂| over
// the shown runs, in increasing order.
func (l *loop) topCoords() []int {
	d := l.exp.prob.D
	k := min(coordsShown, d)
	type cand struct {
		j     int
		score float64
	}
	best := make([]cand, 0, k+1)
	for j := 0; j < d; j++ {
		var sc float64
		if l.exp.prob.BetaStar != nil {
			sc = math.Abs(l.exp.prob.BetaStar[j])
		}
		for _, t := range l.exp.tracks {
			if !l.enabled(t) {
				continue
			}
			if v := math.Abs(t.m.State().Beta[j]); v > sc && finite(v) {
				sc = v
			}
			if t.pred != nil {
				if v := math.Abs(t.pred.beta[j]); v > sc {
					sc = v
				}
			}
		}
		if len(best) == k && sc <= best[k-1].score {
			continue
		}
		i := len(best)
		best = append(best, cand{})
		for i > 0 && best[i-1].score < sc {
			best[i] = best[i-1]
			i--
		}
		best[i] = cand{j, sc}
		if len(best) > k {
			best = best[:k]
		}
	}
	out := make([]int, len(best))
	for i, c := range best {
		out[i] = c.j
	}
	slices.Sort(out)
	return out
}

func pick(v []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for i, j := range idx {
		x := v[j]
		if !finite(x) {
			x = 0
		}
		out[i] = x
	}
	return out
}
