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
package live

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// Scenario is what the runner starts from.
type Scenario struct {
	// Spec draws the problem; ignored when Data is set.
	Spec problem.Spec
	// Data is a loaded problem: n, d, s and the data are then fixed.
	Data *problem.Problem
	// Algos are the runs shown at start (the others can be switched on).
	Algos  []sim.Algo
	Alpha  float64
	Params sim.Params
	// Seed fixes every random draw of SGD and SGF; with generated data it
	// is also the data seed (Spec.Seed), as on the command line.
	Seed uint64
	// HorizonSteps is the scenario's horizon in steps; it sets the default
	// speed (see DefaultSpeed).
	HorizonSteps float64
	// Name, Title and About describe the preset the scenario came from, for
	// the screen; empty for a scenario of one's own.
	Name, Title, About string
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
		(&worker{ctx: r.ctx, budget: l.opt.Budget}).loop(l.jobs, l.results, r.stop)
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
	l := &loop{
		sc:      sc,
		opt:     opt,
		jobs:    make(chan job, 1),
		results: make(chan result, 1),
	}
	l.algos = runAlgos(sc.Algos)
	l.show = make(map[sim.Algo]bool)
	for _, a := range l.algos {
		l.show[a] = slices.Contains(sc.Algos, a)
	}
	if opt.Paused {
		l.state = Paused
	}
	if err := l.build(nil); err != nil {
		return nil, err
	}
	if opt.Speed == 0 {
		opt.Speed = DefaultSpeedFor(sc, l.prob)
	}
	l.speed = normSpeed(opt.Speed)
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

// baseAlgos are always run (shown or not): the seed paper's four.
var baseAlgos = []sim.Algo{sim.GF, sim.GD, sim.SGF, sim.SGD}

// runAlgos is baseAlgos and the scenario's own algorithms, in the engine's
// display order.
func runAlgos(shown []sim.Algo) []sim.Algo {
	var out []sim.Algo
	for _, a := range sim.AllAlgos {
		if slices.Contains(baseAlgos, a) || slices.Contains(shown, a) {
			out = append(out, a)
		}
	}
	for _, a := range shown { // an algorithm the display order does not know
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// change is a live change of the parameters at a clock time, kept so that a
// run switched on later can replay it.
type change struct {
	time   float64
	steps  int64
	params sim.Params
	label  string
}

// track is one method with its sampling state.
type track struct {
	algo      sim.Algo
	m         sim.Method
	sampler   *sim.Sampler
	lin, log  *history
	histVer   uint64 // bumped at every recorded sample
	pubVer    uint64
	pubLin    *history
	pubLog    *history
	pubAlphas *AlphaProfile
	latest    sim.Sample
	has       bool
	div       *Divergence
	applied   int // changes replayed so far
	pred      *predState
	predTime  float64 // run time of the last prediction job (NaN: none)
	follow    bool    // steps with the clock in the current chunk
}

type predState struct {
	beta         []float64
	time         float64
	steps        int64
	l1           float64
	testErr      float64
	hasTestError bool
}

func (t *track) time() float64 { return t.m.State().Time }

// reached reports whether the run is at (or past) clock time c.
func (t *track) reached(c float64) bool {
	// Half of the run's own time step: γ, or γ/(1−μ) for heavy ball, whose
	// AdvanceTo stops within that of the target.
	return t.m.State().Time >= c-0.5*sim.TimePerStep(t.m.Algo(), t.m.Params())
}

// loop is the state owned by the runner's goroutine.
type loop struct {
	r   *Runner
	sc  Scenario
	opt Options
	// recalibrate asks the next rebuild to measure the default speed again
	// (a new scenario was loaded).
	recalibrate bool

	prob    *problem.Problem
	start   sim.Params // the parameters the current runs started with
	l0      float64    // training loss at β = 0
	gen     uint64
	tracks  []*track
	algos   []sim.Algo
	show    map[sim.Algo]bool
	params  sim.Params
	changes []change

	clockT     float64
	clockSteps int64
	state      State
	noAutoStop bool // the user resumed after convergence
	pending    int  // steps asked for by Step while paused

	speed      float64
	paceEpoch  time.Time
	paceSteps  int64
	perStep    float64 // seconds per clock step (EMA), for adaptive chunks
	perCatchup float64

	refs     References
	gfLimit  []float64
	jobs     chan job
	results  chan result
	busy     bool
	refsWant bool
	predNext int
	predDur  time.Duration
	predEnd  time.Time

	version   uint64
	dirty     bool
	urgent    bool
	lastPub   time.Time
	rate      float64
	rateT     time.Time
	rateSteps int64
	notice    Notice
	timer     *time.Timer
	queued    []Command
	applied   uint64 // commands applied so far
	dataVer   uint64 // bumped whenever what the charts show changes
	grant     *Grant // a slot of opt.Budget, requested or held
}

// build makes a new experiment. With spec nil it reuses the current problem
// (or draws the scenario's); otherwise it draws the problem of spec.
func (l *loop) build(spec *problem.Spec) error {
	prob := l.prob
	switch {
	case l.sc.Data != nil:
		prob = l.sc.Data
	case spec != nil || prob == nil:
		s := l.sc.Spec
		if spec != nil {
			s = *spec
		}
		p, err := problem.Generate(s)
		if err != nil {
			return err
		}
		prob, l.sc.Spec = p, s
	}
	params := l.sc.Params
	if l.tracks != nil {
		params = l.params
	}
	if params.Batch > prob.N {
		params.Batch = prob.N
	}
	cfg := sim.Config{
		Algos:  l.algos,
		Init:   sim.UniformInit(l.sc.Alpha, prob.D),
		Params: params,
		Seed:   l.sc.Seed,
	}
	exp, err := sim.NewExperiment(prob, cfg)
	if err != nil {
		return err
	}
	l.prob, l.params, l.start = prob, params, params
	l.sc.Params = params
	l.gen++
	l.l0 = 0
	for _, y := range prob.Y {
		l.l0 += y * y
	}
	l.l0 /= 4 * float64(prob.N)
	l.tracks = l.tracks[:0]
	for _, m := range exp.Methods {
		t := &track{
			algo: m.Algo(), m: m, sampler: sim.NewSampler(prob, cfg.Init),
			lin: newLinHistory(params.Step), log: newLogHistory(), predTime: math.NaN(),
		}
		l.sample(t)
		l.tracks = append(l.tracks, t)
	}
	l.changes = nil
	l.clockT, l.clockSteps, l.pending = 0, 0, 0
	l.noAutoStop = false
	if l.state != Paused {
		l.state = Running
	}
	l.refs, l.gfLimit, l.refsWant = References{}, nil, true
	l.resetPace(time.Now())
	l.rate = 0
	l.urgent, l.dirty = true, true
	return nil
}

func (l *loop) enabled(t *track) bool { return l.show[t.algo] }

// sample measures a run and records a finite sample.
func (l *loop) sample(t *track) {
	s := t.sampler.Measure(t.m)
	if !s.Finite() {
		return
	}
	var v [numMetrics]float64
	var has [numMetrics]bool
	v[Loss], v[L1], v[Alpha] = s.Loss, s.L1, s.AlphaGeoMean
	has[Loss], has[L1], has[Alpha] = true, true, true
	v[TestError], has[TestError] = s.TestError, s.HasTestError
	v[AlphaMin], v[AlphaMax], has[AlphaMin], has[AlphaMax] = s.AlphaMin, s.AlphaMax, true, true
	t.lin.add(s.Time, &v, &has)
	t.log.add(s.Time, &v, &has)
	t.latest, t.has = s, true
	t.histVer++
	l.dataVer++
	l.dirty = true
}

// advance brings a run to time target and records a sample.
func (l *loop) advance(t *track, target float64) {
	if t.div != nil {
		return
	}
	err := t.m.AdvanceTo(target)
	var de *sim.DivergenceError
	if errors.As(err, &de) {
		t.div = &Divergence{Step: de.Step, Time: de.Time, Gamma: de.Gamma, LastLoss: de.LastLoss}
		t.div.StableStep = sim.StableStep(l.prob, sim.UniformInit(l.sc.Alpha, l.prob.D), t.algo, l.params.Batch, l.gfLimit)
		l.urgent = true
	} else if err != nil {
		l.setNotice(fmt.Sprintf("%s stopped: %v", t.algo, err))
		t.div = &Divergence{Step: t.m.State().Steps, Time: t.m.State().Time, Gamma: t.m.Params().Step}
	}
	l.sample(t)
}

func (l *loop) setNotice(text string) {
	l.notice = Notice{Seq: l.notice.Seq + 1, Text: text}
	l.urgent, l.dirty = true, true
}

// caughtUp reports whether a run steps with the clock.
func (l *loop) caughtUp(t *track) bool {
	return t.applied == len(l.changes) && t.reached(l.clockT)
}

func (l *loop) lagging() *track {
	for _, t := range l.tracks {
		if l.enabled(t) && t.div == nil && !l.caughtUp(t) {
			return t
		}
	}
	return nil
}

// steppable reports whether a shown run can still move with the clock.
func (l *loop) steppable() bool {
	for _, t := range l.tracks {
		if l.enabled(t) && t.div == nil {
			return true
		}
	}
	return false
}

func (l *loop) allDiverged() bool {
	any := false
	for _, t := range l.tracks {
		if l.enabled(t) {
			any = true
			if t.div == nil {
				return false
			}
		}
	}
	return any
}

func (l *loop) clockRunning() bool {
	return (l.state == Running || l.pending > 0) && l.steppable()
}

func (l *loop) resetPace(now time.Time) {
	l.paceEpoch, l.paceSteps = now, l.clockSteps
}

// run is the runner's goroutine.
func (l *loop) run() {
	l.timer = time.NewTimer(time.Hour)
	l.timer.Stop()
	defer l.timer.Stop()
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
		if l.dirty {
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
	if l.grant == nil {
		l.grant = l.opt.Budget.Request()
	}
	select {
	case <-l.grant.Ready():
		return true, true
	default:
	}
	now := time.Now()
	l.dispatch(now)
	l.maybePublish(now)
	var tc <-chan time.Time
	if l.dirty {
		l.timer.Reset(max(0, l.lastPub.Add(l.opt.PublishEvery).Sub(now)))
		tc = l.timer.C
		defer l.timer.Stop()
	}
	select {
	case <-l.grant.Ready():
		return true, true
	case <-l.r.stop:
		return false, false
	case res := <-l.results:
		l.collect(res)
	case c := <-l.r.cmds:
		l.queued = append(l.queued, c)
	case <-tc:
		l.maybePublish(time.Now())
	}
	return false, true
}

// releaseGrant gives back the budget slot held or requested, if any.
func (l *loop) releaseGrant() {
	if l.grant != nil {
		l.grant.Release()
		l.grant = nil
	}
}

// drain applies every queued command and collects finished solves; false
// means stop. Commands apply in order; restarts in a row are done once,
// before the next command that is not a restart.
func (l *loop) drain() bool {
	var rebuild *problem.Spec
	restart := false
	saved := l.sc
	flush := func() {
		if restart || rebuild != nil {
			if err := l.build(rebuild); err != nil {
				saved.Params = l.params
				l.sc = saved
				l.setNotice(err.Error())
			} else if l.recalibrate {
				l.speed = normSpeed(DefaultSpeedFor(l.sc, l.prob))
				l.resetPace(time.Now())
			}
		}
		l.recalibrate = false
		restart, rebuild, saved = false, nil, l.sc
	}
	handle := func(c Command) {
		if !c.restarts() {
			flush()
		}
		l.apply(c, &restart, &rebuild)
	}
	for _, c := range l.queued {
		handle(c)
	}
	l.queued = l.queued[:0]
	for {
		select {
		case <-l.r.stop:
			return false
		case res := <-l.results:
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
		l.timer.Reset(d)
		tc = l.timer.C
		defer l.timer.Stop()
	}
	select {
	case <-l.r.stop:
		return false
	case res := <-l.results:
		l.collect(res)
	case c := <-l.r.cmds:
		l.queued = append(l.queued, c) // applied by the next drain
	case <-tc:
	}
	return true
}

// apply executes one command; restarts are collected and done once.
func (l *loop) apply(c Command, restart *bool, rebuild **problem.Spec) {
	if c.kind == cmdCheckpoint {
		c.reply <- l.checkpoint() // buffered: never blocks
		return
	}
	l.urgent, l.dirty = true, true
	l.applied++
	l.dataVer++ // shown runs, markers or the problem may change
	now := time.Now()
	switch c.kind {
	case cmdPause:
		l.state, l.pending = Paused, 0
	case cmdResume:
		l.resume(now)
	case cmdTogglePause:
		if l.state == Running {
			l.state, l.pending = Paused, 0
		} else {
			l.resume(now)
		}
	case cmdStep:
		l.state = Paused
		l.pending += c.n
	case cmdSpeed:
		l.speed = normSpeed(c.f)
		l.resetPace(now)
	case cmdParams:
		l.setParams(c.params)
	case cmdAlpha:
		if !(c.f > 0) || math.IsInf(c.f, 0) {
			l.setNotice(fmt.Sprintf("α = %v is not allowed; α must be a finite number > 0", c.f))
			return
		}
		l.sc.Alpha = c.f
		*restart = true
	case cmdProblem:
		if l.sc.Data != nil {
			l.setNotice("the data were loaded from a file: n, d and s are fixed")
			return
		}
		if err := CheckProblem(c.n, c.d, c.s); err != nil {
			l.setNotice(err.Error())
			return
		}
		s := l.sc.Spec
		if *rebuild != nil {
			s = **rebuild
		}
		if c.s != s.S && s.Beta.Kind == "list" {
			s.Beta = problem.BetaSpec{Kind: "pm1"} // a list fixes s; a new s asks for drawn values
		}
		s.N, s.D, s.S = c.n, c.d, c.s
		*rebuild = &s
	case cmdSeed, cmdNextSeed:
		seed := c.seed
		if c.kind == cmdNextSeed {
			seed = l.sc.Seed + 1
		}
		l.sc.Seed = seed
		if l.sc.Data != nil {
			*restart = true
			return
		}
		s := l.sc.Spec
		if *rebuild != nil {
			s = **rebuild
		}
		s.Seed = seed
		*rebuild = &s
	case cmdRestart:
		*restart = true
	case cmdScenario:
		l.loadScenario(*c.scenario, rebuild)
	case cmdToggleAlgo:
		if _, ok := l.show[c.algo]; ok {
			show := maps.Clone(l.show)
			show[c.algo] = !show[c.algo]
			l.setShown(show)
		}
	case cmdToggleDiscrete:
		show := maps.Clone(l.show)
		on := !(show[sim.GD] && show[sim.SGD])
		show[sim.GD], show[sim.SGD] = on, on
		l.setShown(show)
	}
}

// loadScenario replaces the whole scenario: problem, runs, α, parameters,
// seed and horizon; the runs restart and the default speed is measured
// again for it (see drain).
func (l *loop) loadScenario(sc Scenario, rebuild **problem.Spec) {
	if len(sc.Algos) == 0 {
		l.setNotice("the scenario shows no algorithm")
		return
	}
	l.sc = sc
	l.params = sc.Params // what build starts the new runs with
	l.algos = runAlgos(sc.Algos)
	l.show = make(map[sim.Algo]bool)
	for _, a := range l.algos {
		l.show[a] = slices.Contains(sc.Algos, a)
	}
	spec := sc.Spec
	*rebuild = &spec
	l.recalibrate = true
}

// setShown changes the shown runs, refusing to hide them all.
func (l *loop) setShown(show map[sim.Algo]bool) {
	if !slices.Contains(slices.Collect(maps.Values(show)), true) {
		l.setNotice("at least one algorithm stays shown")
		return
	}
	l.show = show
}

func (l *loop) resume(now time.Time) {
	if l.state == Converged {
		l.noAutoStop = true
	}
	l.state, l.pending = Running, 0
	l.resetPace(now)
}

// setParams applies a live change to every run that steps with the clock
// and logs it, so that late runs replay it at the same clock time.
func (l *loop) setParams(p sim.Params) {
	if err := p.Validate(l.prob.N); err != nil {
		l.setNotice(err.Error())
		return
	}
	if p == l.params {
		return
	}
	label := describeChange(l.params, p)
	for _, t := range l.tracks {
		if l.caughtUp(t) && t.div == nil {
			if err := t.m.SetParams(p); err != nil {
				l.setNotice(err.Error())
				return
			}
		}
	}
	l.changes = append(l.changes, change{time: l.clockT, steps: l.clockSteps, params: p, label: label})
	for _, t := range l.tracks {
		if t.applied == len(l.changes)-1 && t.reached(l.clockT) {
			t.applied++
		}
	}
	l.params, l.sc.Params = p, p
}

func describeChange(a, b sim.Params) string {
	var parts []string
	if a.Step != b.Step {
		parts = append(parts, fmt.Sprintf("γ %.3g→%.3g", a.Step, b.Step))
	}
	if a.Noise != b.Noise {
		parts = append(parts, fmt.Sprintf("noise %.3g→%.3g", a.Noise, b.Noise))
	}
	if a.Batch != b.Batch {
		parts = append(parts, fmt.Sprintf("batch %d→%d", a.Batch, b.Batch))
	}
	if a.Reshuffle != b.Reshuffle {
		parts = append(parts, fmt.Sprintf("reshuffle %v", b.Reshuffle))
	}
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += ", "
		}
		s += p
	}
	return s
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
	k := l.workChunk(l.perStep)
	if l.pending > 0 {
		k = min(k, l.pending)
	} else if !math.IsInf(l.speed, 1) {
		due := l.speed*now.Sub(l.paceEpoch).Seconds() - float64(l.clockSteps-l.paceSteps)
		if due > l.speed*paceMaxLag+1 {
			l.resetPace(now.Add(-time.Duration(float64(time.Second) / l.speed)))
			due = 1
		}
		if due < 1 {
			return 0
		}
		k = min(k, int(due), max(1, int(l.speed*paceMaxAhead)))
	}
	return min(k, logChunk(l.clockT, l.params.Step))
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
	if math.IsInf(l.speed, 1) {
		return 0
	}
	next := l.paceEpoch.Add(time.Duration(float64(l.clockSteps-l.paceSteps+1) / l.speed * float64(time.Second)))
	d := next.Sub(now)
	if pub := l.lastPub.Add(l.opt.PublishEvery).Sub(now); l.dirty && pub < d {
		d = pub
	}
	return max(d, 0)
}

// stepClock advances the clock by k steps and every run that follows it.
func (l *loop) stepClock(k int) {
	start := time.Now()
	if l.pending > 0 {
		l.pending = max(0, l.pending-k)
		if l.pending == 0 {
			l.urgent = true
		}
	}
	for _, t := range l.tracks {
		t.follow = l.enabled(t) && t.div == nil && l.caughtUp(t)
	}
	l.clockT += float64(k) * l.params.Step
	l.clockSteps += int64(k)
	for _, t := range l.tracks {
		if t.follow {
			l.advance(t, l.clockT)
		}
	}
	l.perStep = ema(l.perStep, time.Since(start).Seconds()/float64(k))
	l.dirty = true
	if l.state == Running && !l.noAutoStop && l.allConverged() {
		l.state = Converged
		l.urgent = true
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
	tol := l.opt.ConvergedLoss * l.l0
	any := false
	for _, t := range l.tracks {
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
	for t.applied < len(l.changes) && t.reached(l.changes[t.applied].time) {
		if err := t.m.SetParams(l.changes[t.applied].params); err != nil {
			l.setNotice(err.Error())
		}
		t.applied++
	}
	target := l.clockT
	if t.applied < len(l.changes) {
		target = l.changes[t.applied].time
	}
	step := t.m.Params().Step
	k := 4 * l.workChunk(l.perCatchup)
	k = min(k, logChunk(t.time(), step))
	target = math.Min(target, t.time()+float64(k)*step)
	start := time.Now()
	before := t.m.State().Steps
	l.advance(t, target)
	if n := t.m.State().Steps - before; n > 0 {
		l.perCatchup = ema(l.perCatchup, time.Since(start).Seconds()/float64(n))
	}
	for t.applied < len(l.changes) && t.reached(l.changes[t.applied].time) {
		if err := t.m.SetParams(l.changes[t.applied].params); err != nil {
			l.setNotice(err.Error())
		}
		t.applied++
	}
	if l.caughtUp(t) {
		l.urgent = true
	}
}

// dispatch hands the solver worker its next job: the references first,
// then predictions round-robin, throttled while the clock runs.
func (l *loop) dispatch(now time.Time) {
	if l.busy {
		return
	}
	if l.refsWant {
		l.refsWant = false
		l.send(job{kind: jobRefs, gen: l.gen, prob: l.prob, logAlpha: sim.UniformInit(l.sc.Alpha, l.prob.D).LogAlpha()})
		return
	}
	if l.clockRunning() {
		wait := max(l.opt.PredictEvery, 10*l.predDur)
		if now.Sub(l.predEnd) < wait {
			return
		}
	}
	for i := range l.tracks {
		idx := (l.predNext + i) % len(l.tracks)
		t := l.tracks[idx]
		if !l.enabled(t) || t.div != nil || !t.has || !l.caughtUp(t) {
			continue
		}
		if t.predTime == t.time() {
			continue
		}
		j := job{kind: jobPredict, gen: l.gen, prob: l.prob, algo: t.algo, idx: idx, time: t.time(),
			logAlpha: make([]float64, l.prob.D), tilt: make([]float64, l.prob.D)}
		t.m.LogEffectiveInit(j.logAlpha)
		t.m.Tilt(j.tilt)
		t.predTime = j.time
		l.predNext = idx + 1
		l.send(j)
		return
	}
}

func (l *loop) send(j job) {
	l.busy = true
	l.jobs <- j // never blocks: one slot, and only an idle worker gets a job
}

// collect stores a finished solve.
func (l *loop) collect(res result) {
	l.busy = false
	if res.gen != l.gen {
		return
	}
	l.dirty = true
	switch res.kind {
	case jobRefs:
		l.dataVer++
		l.refs, l.gfLimit = res.refs, res.gfLimit
		if res.refs.Err != "" {
			l.setNotice("reference solve failed: " + res.refs.Err)
		}
		in := sim.UniformInit(l.sc.Alpha, l.prob.D)
		for _, t := range l.tracks {
			if t.div != nil && l.gfLimit != nil {
				t.div.StableStep = sim.StableStep(l.prob, in, t.algo, l.params.Batch, l.gfLimit)
			}
		}
	case jobPredict:
		l.predDur, l.predEnd = res.dur, time.Now()
		t := l.tracks[res.idx]
		if res.err != nil {
			t.pred = nil
			return
		}
		p := &predState{beta: res.beta, time: res.time, l1: l1(res.beta)}
		p.testErr, p.hasTestError = l.prob.TestError(res.beta)
		p.steps = t.m.State().Steps
		t.pred = p
	}
}

// maybePublish publishes when something changed and a frame is due, or at
// once after a command or an event the user waits for.
func (l *loop) maybePublish(now time.Time) {
	if l.urgent || (l.dirty && now.Sub(l.lastPub) >= l.opt.PublishEvery) {
		l.publish(now)
	}
}

// coordsShown is how many coordinates the strip can show at most.
const coordsShown = 16

// publish builds an immutable snapshot and swaps it in.
func (l *loop) publish(now time.Time) {
	l.version++
	running := l.clockRunning() && l.state == Running
	if !running {
		l.rate, l.rateT, l.rateSteps = 0, now, l.clockSteps
	} else if dt := now.Sub(l.rateT).Seconds(); l.rateT.IsZero() || dt > 2 {
		l.rateT, l.rateSteps = now, l.clockSteps
	} else if dt >= 0.25 {
		inst := float64(l.clockSteps-l.rateSteps) / dt
		if l.rate == 0 {
			l.rate = inst
		} else {
			l.rate = 0.5*l.rate + 0.5*inst
		}
		l.rateT, l.rateSteps = now, l.clockSteps
	}
	p := l.prob
	s := &Snapshot{
		Version:     l.version,
		DataVersion: l.dataVer,
		Applied:     l.applied,
		Generation:  l.gen,
		Problem: ProblemInfo{N: p.N, D: p.D, S: l.sparsity(), Seed: l.sc.Seed, Loaded: l.sc.Data != nil,
			Source: p.Source, HasBetaStar: p.BetaStar != nil},
		Alpha:       l.sc.Alpha,
		Params:      l.params,
		Time:        l.clockT,
		Steps:       l.clockSteps,
		StepsPerSec: l.rate,
		Speed:       l.speed,
		State:       l.state,
		Refs:        l.refs,
		Notice:      l.notice,
	}
	if l.allDiverged() {
		s.State = Diverged
	} else if l.state == Running && !l.steppable() {
		s.State = Paused
	}
	for _, c := range l.changes[max(0, len(l.changes)-maxMarkers):] {
		s.Markers = append(s.Markers, Marker{Time: c.time, Steps: c.steps, Label: c.label})
	}
	s.Coords = l.topCoords()
	if p.BetaStar != nil {
		s.StarTop = pick(p.BetaStar, s.Coords)
	}
	for _, t := range l.tracks {
		if t.pubVer != t.histVer || t.pubLin == nil {
			t.pubLin, t.pubLog, t.pubVer = t.lin.clone(), t.log.clone(), t.histVer
			t.pubAlphas = newAlphaProfile(t.m, p.BetaStar)
		}
		run := Run{
			Algo: t.algo, Enabled: l.enabled(t), CatchingUp: l.enabled(t) && t.div == nil && !l.caughtUp(t),
			Latest: t.latest, HasLatest: t.has, Top: pick(t.m.State().Beta, s.Coords),
			lin: t.pubLin, log: t.pubLog, Alphas: t.pubAlphas,
		}
		if t.div != nil {
			d := *t.div
			run.Diverged = &d
		}
		if t.pred != nil {
			run.Prediction = &Prediction{Steps: t.pred.steps, L1: t.pred.l1, TestError: t.pred.testErr,
				HasTestError: t.pred.hasTestError, Top: pick(t.pred.beta, s.Coords)}
		}
		s.Runs = append(s.Runs, run)
	}
	s.Scenario = l.sc
	s.Scenario.Params = l.params
	s.Scenario.Algos = nil
	for _, r := range s.Runs {
		if r.Enabled {
			s.Scenario.Algos = append(s.Scenario.Algos, r.Algo)
		}
	}
	l.r.snap.Store(s)
	next := make(chan struct{})
	close(*l.r.changed.Swap(&next))
	l.lastPub, l.dirty, l.urgent = now, false, false
}

// maxMarkers bounds the live-change markers a snapshot carries.
const maxMarkers = 32

func (l *loop) sparsity() int {
	n := 0
	for _, b := range l.prob.BetaStar {
		if b != 0 {
			n++
		}
	}
	return n
}

// topCoords picks the coordinates with the largest |β*|, |β_t| or |β̂| over
// the shown runs, in increasing order.
func (l *loop) topCoords() []int {
	d := l.prob.D
	k := min(coordsShown, d)
	type cand struct {
		j     int
		score float64
	}
	best := make([]cand, 0, k+1)
	for j := 0; j < d; j++ {
		var sc float64
		if l.prob.BetaStar != nil {
			sc = math.Abs(l.prob.BetaStar[j])
		}
		for _, t := range l.tracks {
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

// Limits of a problem drawn from the explorer: every step costs O(n·d) and
// every theory solve O(n³) per Newton step, so beyond these the explorer is
// no longer interactive (the command line takes larger ones).
const (
	MaxExploreN       = 500
	MaxExploreEntries = 1_000_000
)

// CheckProblem validates the size of a problem to draw before sending
// SetProblem: 1 ≤ n ≤ MaxExploreN samples, dimension d > n, sparsity
// 1 ≤ s ≤ d, and n·d ≤ MaxExploreEntries.
func CheckProblem(n, d, s int) error {
	switch {
	case n < 1 || n > MaxExploreN:
		return fmt.Errorf("n = %d: the explorer takes 1 ≤ n ≤ %d samples", n, MaxExploreN)
	case d <= n:
		return fmt.Errorf("d = %d: the dimension must exceed n = %d (overparametrised)", d, n)
	case s < 1 || s > d:
		return fmt.Errorf("s = %d: the sparsity must be in 1…d (= %d)", s, d)
	case float64(n)*float64(d) > MaxExploreEntries:
		return fmt.Errorf("n·d = %.3g: the explorer takes n·d ≤ %.0e", float64(n)*float64(d), float64(MaxExploreEntries))
	}
	return nil
}
