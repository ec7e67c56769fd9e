package live

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// apply executes one command; restarts are collected and done once.
func (l *loop) apply(c Command, restart *bool, rebuild **problem.Spec) {
	if c.kind == cmdCheckpoint {
		c.reply <- l.checkpoint() // buffered: never blocks
		return
	}
	l.pub.urgent, l.pub.dirty = true, true
	l.events.applied++
	l.pub.dataVer++ // shown runs, markers or the problem may change
	now := time.Now()
	switch c.kind {
	case cmdPause:
		l.clock.state, l.clock.pending = Paused, 0
	case cmdResume:
		l.resume(now)
	case cmdTogglePause:
		if l.clock.state == Running {
			l.clock.state, l.clock.pending = Paused, 0
		} else {
			l.resume(now)
		}
	case cmdStep:
		l.clock.state = Paused
		l.clock.pending += c.n
	case cmdSpeed:
		l.clock.speed = normSpeed(c.f)
		l.resetPace(now)
	case cmdParams:
		l.setParams(c.params)
	case cmdAlpha:
		if err := sim.CheckAlpha(c.f); err != nil {
			l.setNotice(err.Error())
			return
		}
		l.exp.sc.Alpha = c.f
		*restart = true
	case cmdProblem:
		if l.exp.sc.Data != nil {
			l.setNotice("the data were loaded from a file: n, d and s are fixed")
			return
		}
		if err := CheckProblem(c.n, c.d, c.s); err != nil {
			l.setNotice(err.Error())
			return
		}
		s := l.exp.sc.Spec
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
			seed = l.exp.sc.Seed + 1
		}
		l.exp.sc.Seed = seed
		if l.exp.sc.Data != nil {
			*restart = true
			return
		}
		s := l.exp.sc.Spec
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
		if _, ok := l.exp.show[c.algo]; ok {
			show := maps.Clone(l.exp.show)
			show[c.algo] = !show[c.algo]
			l.setShown(show)
		}
	case cmdToggleVariant:
		l.toggleVariant(c.algo)
	case cmdToggleDiscrete:
		show := maps.Clone(l.exp.show)
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
	l.exp.sc = sc
	l.exp.params = sc.Params // what build starts the new runs with
	l.exp.algos, l.exp.show = runAlgos(sc.Algos)
	spec := sc.Spec
	*rebuild = &spec
	l.exp.recalibrate = true
}

// toggleVariant removes the variant a if it runs, else adds it (see
// ToggleVariant). A plain algorithm is never added or removed this way.
func (l *loop) toggleVariant(a sim.Algo) {
	if a == a.Base() {
		l.setNotice(string(a) + " is not a variant (ALGO:key=value)")
		return
	}
	if i := slices.Index(l.exp.algos, a); i >= 0 {
		show := maps.Clone(l.exp.show)
		delete(show, a)
		if !slices.Contains(slices.Collect(maps.Values(show)), true) {
			l.setNotice("at least one algorithm stays shown")
			return
		}
		l.exp.show = show
		l.exp.algos = slices.Delete(l.exp.algos, i, i+1)
		l.exp.tracks = slices.DeleteFunc(l.exp.tracks, func(t *track) bool { return t.algo == a })
		l.exp.sc.Algos = slices.DeleteFunc(slices.Clone(l.exp.sc.Algos), func(b sim.Algo) bool { return b == a })
		return
	}
	in := sim.UniformInit(l.exp.sc.Alpha, l.exp.prob.D)
	m, err := sim.NewMethod(a, l.exp.prob, sim.Config{Init: in, Params: l.exp.start, Seed: l.exp.sc.Seed})
	if err != nil {
		l.setNotice(err.Error())
		return
	}
	l.exp.tracks = append(l.exp.tracks, l.newTrack(m, in))
	l.exp.algos = append(slices.Clone(l.exp.algos), a)
	l.exp.show = maps.Clone(l.exp.show)
	l.exp.show[a] = true
	l.exp.sc.Algos = append(slices.Clone(l.exp.sc.Algos), a)
}

// setShown changes the shown runs, refusing to hide them all.
func (l *loop) setShown(show map[sim.Algo]bool) {
	if !slices.Contains(slices.Collect(maps.Values(show)), true) {
		l.setNotice("at least one algorithm stays shown")
		return
	}
	l.exp.show = show
}

func (l *loop) resume(now time.Time) {
	if l.clock.state == Converged {
		l.clock.noAutoStop = true
	}
	l.clock.state, l.clock.pending = Running, 0
	l.resetPace(now)
}

// setParams applies a live change to every run that steps with the clock
// and logs it, so that late runs replay it at the same clock time.
func (l *loop) setParams(p sim.Params) {
	if err := p.Validate(l.exp.prob.N); err != nil {
		l.setNotice(err.Error())
		return
	}
	if p == l.exp.params {
		return
	}
	label := describeChange(l.exp.params, p)
	if p.Step != l.exp.params.Step || p.LabelNoise != l.exp.params.LabelNoise {
		// The Lasso's weights λ_j = γδH_jj/(2n) moved: solve it again.
		l.solves.refsWant = l.solves.refsWant || l.hasLabelNoiseRun()
	}
	for _, t := range l.exp.tracks {
		if l.caughtUp(t) && t.div == nil {
			if err := t.m.SetParams(p); err != nil {
				l.setNotice(err.Error())
				return
			}
		}
	}
	l.exp.changes = append(l.exp.changes, change{time: l.clock.t, steps: l.clock.steps, params: p, label: label})
	for _, t := range l.exp.tracks {
		if t.applied == len(l.exp.changes)-1 && t.reached(l.clock.t) {
			t.applied++
		}
	}
	l.exp.params, l.exp.sc.Params = p, p
}

// shortG writes v in three significant digits in the explorer's exponent
// style: 1e-5 and 1e308, not 1e-05 and 1e+308.
func shortG(v float64) string {
	s := strconv.FormatFloat(v, 'g', 3, 64)
	mant, exp, ok := strings.Cut(s, "e")
	if !ok {
		return s
	}
	sign := ""
	if exp[0] == '-' {
		sign = "-"
	}
	return mant + "e" + sign + strings.TrimLeft(exp[1:], "0")
}

func describeChange(a, b sim.Params) string {
	var parts []string
	if a.Step != b.Step {
		parts = append(parts, "γ "+shortG(a.Step)+"→"+shortG(b.Step))
	}
	if a.Noise != b.Noise {
		parts = append(parts, "noise "+shortG(a.Noise)+"→"+shortG(b.Noise))
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
		return fmt.Errorf("n·d = %s: the explorer takes n·d ≤ %s", shortG(float64(n)*float64(d)), shortG(MaxExploreEntries))
	}
	return nil
}
