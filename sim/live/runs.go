package live

import (
	"math"
	"slices"
	"time"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// experiment is the scenario in force and the runs built from it.
type experiment struct {
	sc Scenario
	// recalibrate asks the next rebuild to measure the default speed again
	// (a new scenario was loaded).
	recalibrate bool

	prob    *problem.Problem
	start   sim.Params // the parameters the current runs started with
	l0      float64    // training loss at β = 0
	gen     uint64     // bumped at every rebuild, to drop stale solves
	tracks  []*track
	algos   []sim.Algo // every run, shown or not, in display order
	show    map[sim.Algo]bool
	params  sim.Params // the live parameters in force
	changes []change   // the live changes since the start, for late runs
	nextID  uint64     // the id of the next run built
}

// baseAlgos are always run (shown or not): the seed paper's four.
func baseAlgos() []sim.Algo { return []sim.Algo{sim.GF, sim.GD, sim.SGF, sim.SGD} }

// runAlgos is baseAlgos and the scenario's own algorithms, in the engine's
// display order, and which of them are shown (the scenario's).
func runAlgos(shown []sim.Algo) ([]sim.Algo, map[sim.Algo]bool) {
	var out []sim.Algo
	for _, a := range sim.AllAlgos {
		if slices.Contains(baseAlgos(), a) || slices.Contains(shown, a) {
			out = append(out, a)
		}
	}
	for _, a := range shown { // an algorithm the display order does not know
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	show := make(map[sim.Algo]bool, len(out))
	for _, a := range out {
		show[a] = slices.Contains(shown, a)
	}
	return out, show
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
	id        uint64 // unique in the loop's life: solves find their run by it
	algo      sim.Algo
	m         sim.Method
	sampler   *sim.Sampler
	lin, log  *history
	histVer   uint64 // bumped at every recorded sample
	pubVer    uint64
	pubLin    *history
	pubLog    *history
	pubAlphas *AlphaProfile
	avg       *timeAverage // label-noise SGD's time-averaged iterate
	pubAvg    *IterateAverage
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
	cold         bool // solved cold: the digits depend on the state alone
}

func (t *track) time() float64 { return t.m.State().Time }

// reached reports whether the run is at (or past) clock time c.
func (t *track) reached(c float64) bool {
	// Half of the run's own time step: γ, or γ/(1−μ) for heavy ball, whose
	// AdvanceTo stops within that of the target.
	return t.m.State().Time >= c-0.5*sim.TimePerStep(t.m.Algo(), t.m.Params())
}

// build makes a new experiment. With spec nil it reuses the current problem
// (or draws the scenario's); otherwise it draws the problem of spec.
func (l *loop) build(spec *problem.Spec) error {
	prob := l.exp.prob
	switch {
	case l.exp.sc.Data != nil:
		prob = l.exp.sc.Data
	case spec != nil || prob == nil:
		s := l.exp.sc.Spec
		if spec != nil {
			s = *spec
		}
		p, err := problem.Generate(s)
		if err != nil {
			return err
		}
		prob, l.exp.sc.Spec = p, s
	}
	params := l.exp.sc.Params
	if l.exp.tracks != nil {
		params = l.exp.params
	}
	if params.Batch > prob.N {
		params.Batch = prob.N
	}
	cfg := sim.Config{
		Algos:  l.exp.algos,
		Init:   sim.UniformInit(l.exp.sc.Alpha, prob.D),
		Params: params,
		Seed:   l.exp.sc.Seed,
	}
	exp, err := sim.NewExperiment(prob, cfg)
	if err != nil {
		return err
	}
	l.exp.prob, l.exp.params, l.exp.start = prob, params, params
	l.exp.sc.Params = params
	l.exp.gen++
	l.exp.l0 = 0
	for _, y := range prob.Y {
		l.exp.l0 += y * y
	}
	l.exp.l0 /= 4 * float64(prob.N)
	l.exp.tracks = l.exp.tracks[:0]
	for _, m := range exp.Methods {
		l.exp.tracks = append(l.exp.tracks, l.newTrack(m, cfg.Init))
	}
	l.exp.changes = nil
	l.clock.t, l.clock.steps, l.clock.pending = 0, 0, 0
	l.clock.noAutoStop = false
	if l.clock.state != Paused {
		l.clock.state = Running
	}
	l.solves.refs, l.solves.gfLimit, l.solves.refsWant = References{}, nil, true
	l.resetPace(time.Now())
	l.pub.rate = 0
	l.pub.urgent, l.pub.dirty = true, true
	return nil
}

// newTrack wraps a method built at time 0 with its sampling state and
// records its first sample.
func (l *loop) newTrack(m sim.Method, in sim.Init) *track {
	t := &track{
		id: l.exp.nextID, algo: m.Algo(), m: m, sampler: sim.NewSampler(l.exp.prob, in),
		lin: newLinHistory(l.exp.start.Step), log: newLogHistory(), predTime: math.NaN(),
	}
	l.exp.nextID++
	if t.algo.Base() == sim.LNSGD {
		t.avg = newTimeAverage(l.exp.prob.D)
	}
	l.sample(t)
	return t
}

// track is the run with id, or nil once it was removed.
func (l *loop) track(id uint64) *track {
	for _, t := range l.exp.tracks {
		if t.id == id {
			return t
		}
	}
	return nil
}

func (l *loop) enabled(t *track) bool { return l.exp.show[t.algo] }

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
	if t.avg != nil {
		t.avg.add(t.m.State().Beta, s.Time)
	}
	t.latest, t.has = s, true
	t.histVer++
	l.pub.dataVer++
	l.pub.dirty = true
}

// caughtUp reports whether a run steps with the clock.
func (l *loop) caughtUp(t *track) bool {
	return t.applied == len(l.exp.changes) && t.reached(l.clock.t)
}

func (l *loop) lagging() *track {
	for _, t := range l.exp.tracks {
		if l.enabled(t) && t.div == nil && !l.caughtUp(t) {
			return t
		}
	}
	return nil
}

// steppable reports whether a shown run can still move with the clock.
func (l *loop) steppable() bool {
	for _, t := range l.exp.tracks {
		if l.enabled(t) && t.div == nil {
			return true
		}
	}
	return false
}

func (l *loop) allDiverged() bool {
	any := false
	for _, t := range l.exp.tracks {
		if l.enabled(t) {
			any = true
			if t.div == nil {
				return false
			}
		}
	}
	return any
}
