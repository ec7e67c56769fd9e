package live

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// Checkpoint is a runner's state at one moment, taken between two chunks:
// the scenario, the parameters the runs started with and the log of live
// changes since, where each run and the clock stand, and the histories,
// predictions and reference levels shown. StartFrom starts an independent
// runner from it (a student forking the presenter's stage). It is immutable.
//
// The engine's methods are deterministic given the seed and the sequence of
// parameter changes, so StartFrom rebuilds each run by replaying that log up to
// the run's step count: GD, SGD, SGF and the other fixed-step methods come
// back bit for bit; GF, whose adaptive steps depend on where each chunk
// ended, comes back to its integration tolerance.
type Checkpoint struct {
	sc         Scenario // Params: the parameters the runs started with
	show       map[sim.Algo]bool
	algos      []sim.Algo
	changes    []change
	runs       []trackPoint
	clockT     float64
	clockSteps int64
	state      State
	pending    int
	noAutoStop bool
	speed      float64
	params     sim.Params
	refs       References
	gfLimit    []float64
	l0         float64
	// prob is the problem the runs train on, so that StartFrom never
	// redraws it (loaded data could not be redrawn at all).
	prob  *problem.Problem
	taken time.Time
}

// trackPoint is where one run stands.
type trackPoint struct {
	algo     sim.Algo
	time     float64
	steps    int64
	applied  int
	lin, log *history
	latest   sim.Sample
	has      bool
	div      *Divergence
	pred     *predState
	predTime float64
}

// Time is the clock's time at the checkpoint.
func (c *Checkpoint) Time() float64 { return c.clockT }

// Steps is the clock's step count at the checkpoint.
func (c *Checkpoint) Steps() int64 { return c.clockSteps }

// Changes is the number of live parameter changes StartFrom replays.
func (c *Checkpoint) Changes() int { return len(c.changes) }

// checkpoint is run by the runner's goroutine between two chunks.
func (l *loop) checkpoint() *Checkpoint {
	c := &Checkpoint{
		sc: l.exp.sc, show: maps.Clone(l.exp.show), algos: slices.Clone(l.exp.algos), changes: slices.Clone(l.exp.changes),
		clockT: l.clock.t, clockSteps: l.clock.steps, state: l.clock.state, pending: l.clock.pending, noAutoStop: l.clock.noAutoStop,
		speed: l.clock.speed, params: l.exp.params, refs: l.solves.refs, gfLimit: l.solves.gfLimit, l0: l.exp.l0, prob: l.exp.prob, taken: time.Now(),
	}
	c.sc.Params = l.exp.start
	for _, t := range l.exp.tracks {
		p := trackPoint{
			algo: t.algo, time: t.time(), steps: t.m.State().Steps, applied: t.applied,
			lin: t.lin.clone(), log: t.log.clone(), latest: t.latest, has: t.has, pred: t.pred, predTime: t.predTime,
		}
		if t.div != nil {
			d := *t.div
			p.div = &d
		}
		c.runs = append(c.runs, p)
	}
	return c
}

// ErrStopped is returned by a request to a runner that has stopped.
var ErrStopped = errors.New("live: the runner has stopped")

// Checkpoint asks the runner for its state between two chunks and waits for
// it (a few milliseconds; longer while the runner waits for a slot of a
// busy Budget), or until ctx ends.
func (r *Runner) Checkpoint(ctx context.Context) (*Checkpoint, error) {
	reply := make(chan *Checkpoint, 1)
	if !r.Send(Command{kind: cmdCheckpoint, reply: reply}) {
		select {
		case <-r.stop:
			return nil, ErrStopped
		default:
			return nil, errors.New("live: the runner is busy; try again")
		}
	}
	select {
	case c := <-reply:
		return c, nil
	case <-r.done:
		return nil, ErrStopped
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// StartFrom starts a new runner from a checkpoint: the same problem, runs,
// histories, predictions, reference levels, clock, state and speed. It
// replays every run from the start (see Checkpoint) before it returns,
// chunk by chunk through opt.Budget; ctx ends the replay early. opt.Speed
// and opt.Paused are ignored: the checkpoint's speed and state are kept.
func StartFrom(ctx context.Context, cp *Checkpoint, opt Options) (*Runner, error) {
	opt = opt.withDefaults()
	l := newLoop(cp.sc, opt, slices.Clone(cp.algos), maps.Clone(cp.show))
	l.exp.prob = cp.prob
	if cp.state == Paused {
		l.clock.state = Paused
	}
	if err := l.build(nil); err != nil {
		return nil, err
	}
	if len(l.exp.tracks) != len(cp.runs) {
		return nil, fmt.Errorf("live: checkpoint of %d runs, rebuilt %d", len(cp.runs), len(l.exp.tracks))
	}
	for i, t := range l.exp.tracks {
		if err := l.replay(ctx, t, cp, &cp.runs[i]); err != nil {
			return nil, err
		}
	}
	l.exp.changes = slices.Clone(cp.changes)
	l.exp.params, l.exp.sc.Params = cp.params, cp.params
	l.clock.t, l.clock.steps, l.clock.state, l.clock.pending, l.clock.noAutoStop = cp.clockT, cp.clockSteps, cp.state, cp.pending, cp.noAutoStop
	l.clock.speed = cp.speed
	l.solves.refs, l.solves.gfLimit, l.solves.refsWant = cp.refs, cp.gfLimit, !cp.refs.Ready
	l.resetPace(time.Now())
	r := newRunner(opt)
	r.launch(l)
	return r, nil
}

// replay brings a freshly built run to where the checkpoint's stood,
// applying the logged live changes at the clock times they were made, and
// takes over its histories and prediction.
func (l *loop) replay(ctx context.Context, t *track, cp *Checkpoint, p *trackPoint) error {
	if t.algo != p.algo {
		return fmt.Errorf("live: checkpoint run %s, rebuilt %s", p.algo, t.algo)
	}
	var perStep float64
	advance := func(target float64) error {
		for {
			g := l.opt.Budget.Request()
			select {
			case <-g.Ready():
			case <-ctx.Done():
				g.Release()
				return ctx.Err()
			}
			start := time.Now()
			adv := sim.Advance(ctx, t.m, target, int64(4*l.workChunk(perStep)))
			g.Release()
			if adv.Steps > 0 {
				perStep = ema(perStep, time.Since(start).Seconds()/float64(adv.Steps))
			}
			switch adv.Outcome {
			case sim.Reached, sim.Diverged: // the checkpoint's run diverged there too
				return nil
			case sim.Cancelled, sim.Failed:
				return adv.Err
			}
		}
	}
	for i := range p.applied {
		c := cp.changes[i]
		if err := advance(c.time); err != nil {
			return err
		}
		if t.m.Err() == nil {
			if err := t.m.SetParams(c.params); err != nil {
				return err
			}
		}
	}
	if p.steps > 0 {
		if err := advance(p.time); err != nil {
			return err
		}
	}
	t.applied = p.applied
	t.lin, t.log = p.lin.restore(), p.log.restore()
	t.latest, t.has = p.latest, p.has
	if p.has && t.m.Err() == nil {
		if s := t.sampler.Measure(t.m); s.Finite() {
			t.latest = s
		}
	}
	t.div = nil
	if p.div != nil {
		d := *p.div
		t.div = &d
	}
	t.pred, t.predTime = p.pred, p.predTime
	t.histVer++
	return nil
}
