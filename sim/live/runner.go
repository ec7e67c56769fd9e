// Package live runs an Experiment in its own goroutine for the interactive
// explorer: it applies commands between steps, paces the clock, and
// publishes immutable snapshots with bounded, decimated histories at ≤ 30 Hz.
//
// The goroutine owns every method and buffer. Other goroutines talk to it
// only through Runner.Send (a non-blocking send on a buffered channel) and
// read it only through Runner.Snapshot (an atomic pointer to an immutable
// value), so any number of viewers can follow one runner. Theory solves (the
// reference levels and the predicted limits) run on a second goroutine owned
// by the runner, so the clock never waits for them. Stop ends both,
// promptly: a solve in progress is cancelled at its next Newton step.
//
// For a server of many sessions (lecture mode): runners may share one
// Budget, from which every chunk of steps and every solve takes a slot, so
// that many runners share the machine fairly; Changed lets followers wait
// for the next snapshot without polling; Checkpoint and StartFrom start an
// independent runner from another's current state (a fork).
//
// Every number here is computed by the engine (sim, sim/theory); this
// package only schedules, samples and decimates.
//
// The files follow the runner's concerns, and each keeps its own part of the
// goroutine's state (the loop's fields): runner.go is the API (Start, Send,
// Snapshot, Changed, Stop); loop.go the event loop (waiting, the budget
// slot, draining commands); apply.go applies commands; runs.go builds the
// runs from the scenario and samples them; clock.go paces the clock and
// catches late runs up; solves.go and worker.go run the theory solves
// (staircase.go the small-α schedule, average.go label-noise SGD's running
// average against its Lasso); publish.go builds snapshots; checkpoint.go
// forks a runner; budget.go shares the machine; speed.go chooses the
// default speed.
package live

import (
	"context"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"sgdbias/sim"
)

// Scenario is what the runner starts from: the engine's setup (its Algos
// are the runs shown at start, the others can be switched on; its horizon
// sets the default speed, see DefaultSpeedFor) and the words of the preset
// it came from.
type Scenario struct {
	sim.Setup
	// Name, Title and About describe the preset the scenario came from, for
	// the screen; empty for a scenario of one's own.
	Name, Title, About string
	// DataFile is the file Data was loaded from, as it was given (for the
	// command line that gives the scenario back).
	DataFile string
}

// Options tune the runner; the zero value is the explorer's default.
type Options struct {
	// Speed is the target clock speed in steps per second at start; 0 means
	// DefaultSpeedFor the scenario; Unlimited runs flat out.
	Speed float64
	// Paused starts with the clock stopped.
	Paused bool
	// ChunkSteps fixes how many steps the clock takes between two looks at
	// the command channel (default: adaptive, about 4 ms of work). Tests fix
	// it to make the sampled history independent of the machine's speed.
	ChunkSteps int
	// PublishEvery is the least time between two snapshots (default 33 ms).
	PublishEvery time.Duration
	// PredictEvery is the least time between two predictions while the
	// clock runs (default 250 ms; at least 10× the last solve's duration).
	PredictEvery time.Duration
	// ConvergedLoss stops the clock once every shown run has a training
	// loss ≤ ConvergedLoss·L(0). Default 1e-10; negative disables it.
	ConvergedLoss float64
	// CommandBuffer is the capacity of the command channel (default 64).
	CommandBuffer int
	// Budget, when set, is shared with other runners: every chunk of steps
	// and every theory solve first takes one of its slots (see Budget).
	Budget *Budget
}

func (o Options) withDefaults() Options {
	if o.PublishEvery <= 0 {
		o.PublishEvery = 33 * time.Millisecond
	}
	if o.PredictEvery <= 0 {
		o.PredictEvery = 250 * time.Millisecond
	}
	if o.ConvergedLoss == 0 {
		o.ConvergedLoss = 1e-10
	}
	if o.CommandBuffer <= 0 {
		o.CommandBuffer = 64
	}
	return o
}

// Runner runs one experiment in its own goroutine.
type Runner struct {
	cmds     chan Command
	stop     chan struct{}
	done     chan struct{}
	snap     atomic.Pointer[Snapshot]
	changed  atomic.Pointer[chan struct{}]
	stopOnce sync.Once
	// ctx is cancelled by Stop, so that a theory solve in progress ends at
	// its next Newton step instead of running to the end.
	ctx    context.Context
	cancel context.CancelFunc
}

func newRunner(opt Options) *Runner {
	r := &Runner{
		cmds: make(chan Command, opt.CommandBuffer),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	ch := make(chan struct{})
	r.changed.Store(&ch)
	return r
}

// launch publishes the first snapshot and starts the runner's goroutines.
func (r *Runner) launch(l *loop) {
	l.r = r
	l.publish(time.Now())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		(&worker{ctx: r.ctx, budget: l.opt.Budget}).loop(l.solves.jobs, l.solves.results, r.stop)
	}()
	go func() {
		defer close(r.done)
		defer l.releaseGrant()
		l.run()
		wg.Wait()
	}()
}

// Start builds the scenario's problem and runs, publishes a first snapshot
// and starts the runner's goroutines. Errors in the scenario are returned.
func Start(sc Scenario, opt Options) (*Runner, error) {
	if len(sc.Algos) == 0 {
		return nil, errors.New("live: no algorithm to show")
	}
	opt = opt.withDefaults()
	algos, show := runAlgos(sc.Algos)
	l := newLoop(sc, opt, algos, show)
	if opt.Paused {
		l.clock.state = Paused
	}
	if err := l.build(nil); err != nil {
		return nil, err
	}
	if opt.Speed == 0 {
		opt.Speed = DefaultSpeedFor(sc, l.exp.prob)
	}
	l.clock.speed = normSpeed(opt.Speed)
	r := newRunner(opt)
	r.launch(l)
	return r, nil
}

// Send queues a command without blocking; it reports false when the queue
// is full or the runner has stopped.
func (r *Runner) Send(c Command) bool {
	select {
	case <-r.stop:
		return false
	default:
	}
	select {
	case r.cmds <- c:
		return true
	default:
		return false
	}
}

// Snapshot returns the latest published snapshot (never nil).
func (r *Runner) Snapshot() *Snapshot { return r.snap.Load() }

// Changed returns a channel that is closed when the next snapshot is
// published. Read it before Snapshot and no publication is missed:
//
//	ch := r.Changed(); s := r.Snapshot(); …; <-ch // a newer one is out
//
// Any number of goroutines may wait on it; the runner never waits for them.
func (r *Runner) Changed() <-chan struct{} { return *r.changed.Load() }

// Stop ends the runner's goroutines and waits for them: a chunk of steps
// in progress (a few milliseconds) ends, and a theory solve stops at its
// next Newton step. It is idempotent.
func (r *Runner) Stop() {
	r.stopOnce.Do(func() {
		close(r.stop)
		r.cancel()
	})
	<-r.done
}

// Done is closed once the runner's goroutines have ended.
func (r *Runner) Done() <-chan struct{} { return r.done }

func normSpeed(v float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return Unlimited
	}
	return v
}
