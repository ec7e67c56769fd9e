package live

import (
	"encoding/csv"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// State is what the clock is doing.
type State int

// The runner's states.
const (
	Running   State = iota
	Paused          // stopped by the user, or by a single step
	Converged       // every shown run reached the loss tolerance; the clock stopped
	Diverged        // every shown run diverged, collapsed or failed; nothing left to step
)

func (s State) String() string {
	switch s {
	case Running:
		return "running"
	case Paused:
		return "paused"
	case Converged:
		return "converged"
	case Diverged:
		return "diverged"
	}
	return "unknown"
}

// ProblemInfo describes the problem the runs train on.
type ProblemInfo struct {
	N, D, S int
	// Seed is the data seed (and the seed of every random draw).
	Seed uint64
	// Loaded is true for data read from a file: n, d, s and the data are fixed.
	Loaded      bool
	Source      string
	HasBetaStar bool
}

// Divergence is where and how a run stopped before its horizon, with hints.
type Divergence struct {
	// Status is sim.StatusDiverged, sim.StatusCollapsed or sim.StatusFailed.
	Status   sim.Status
	Step     int64
	Time     float64
	Gamma    float64
	LastLoss float64
	// Cause says what was detected, in words ("" for a plain divergence).
	Cause string
	// StableStep is an estimate of the largest stable γ (sim.StableStep), 0
	// when unknown or for GF, which has no step.
	StableStep float64
	// StableNoise, for SGF, is a noise scale estimated to train (sim.Hints).
	StableNoise float64
	// Hint is the suggestion in words (sim.DivergenceError.Hint), "" if none.
	Hint string
	err  *sim.DivergenceError // the source, to refresh the hints
}

// newDivergence describes de with hints estimated from ref (the GF limit, or
// nil while it is being solved).
func newDivergence(de *sim.DivergenceError, p *problem.Problem, in sim.Init, batch int, ref []float64) *Divergence {
	d := *de
	sim.Hints(&d, p, in, batch, ref)
	return &Divergence{Status: d.Status(), Step: d.Step, Time: d.Time, Gamma: d.Gamma, LastLoss: d.LastLoss,
		Cause: d.Cause, StableStep: d.StableStep, StableNoise: d.StableNoise, Hint: strings.TrimPrefix(d.Hint(), "; "), err: de}
}

// Prediction is the limit predicted from a run's state (sim.Predictor).
type Prediction struct {
	Steps        int64   // the run's step count when it was computed
	L1           float64 // ‖β̂‖₁
	TestError    float64 // of β̂, when β* is known
	HasTestError bool
	Top          []float64 // β̂ on the snapshot's Coords
	// Final says β̂ was solved cold, with the clock standing: it is what
	// this state predicts, and stays until the run moves.
	Final bool
}

// Run is one algorithm's view in a snapshot. Everything in it is immutable.
type Run struct {
	Algo    sim.Algo
	Enabled bool
	// CatchingUp is true while a run switched on replays to the clock.
	CatchingUp bool
	Latest     sim.Sample // the last finite sample
	HasLatest  bool
	Diverged   *Divergence
	Prediction *Prediction // nil until computed
	Top        []float64   // β_t on the snapshot's Coords
	// Alphas is α_t per coordinate, sorted; nil for problems of more than
	// MaxProfileCoords coordinates.
	Alphas *AlphaProfile
	// Average is the time-averaged iterate of label-noise SGD (nil for the
	// other runs); see timeAverage.
	Average  *IterateAverage
	lin, log *history
}

// MaxProfileCoords bounds the dimension for which a snapshot carries α_t
// per coordinate (it is copied and sorted at every publication).
const MaxProfileCoords = 4096

// AlphaProfile is a run's effective initialisation per coordinate,
// α_t,j = √|w₊,j w₋,j| (theory.md §4), sorted from the smallest — the
// coordinates that gained most, ln(α²/α_t²) — to the largest.
type AlphaProfile struct {
	Alpha []float64 // α_t,j, increasing
	Coord []int     // the coordinate j of each entry
	// Support marks the entries on the support of β* (nil when β* is
	// unknown).
	Support []bool
}

// newAlphaProfile measures m's α_t per coordinate; nil above
// MaxProfileCoords.
func newAlphaProfile(m sim.Method, betaStar []float64) *AlphaProfile {
	d := len(m.State().Beta)
	if d == 0 || d > MaxProfileCoords {
		return nil
	}
	logAlpha := make([]float64, d)
	m.LogEffectiveInit(logAlpha)
	p := &AlphaProfile{Alpha: make([]float64, d), Coord: make([]int, d)}
	for j := range p.Coord {
		p.Coord[j] = j
	}
	sort.SliceStable(p.Coord, func(a, b int) bool { return logAlpha[p.Coord[a]] < logAlpha[p.Coord[b]] })
	for i, j := range p.Coord {
		p.Alpha[i] = math.Exp(logAlpha[j])
	}
	if betaStar != nil {
		p.Support = make([]bool, d)
		for i, j := range p.Coord {
			p.Support[i] = betaStar[j] != 0
		}
	}
	return p
}

// Columns spreads the sorted profile over cols columns (cols ≥ d gives
// one coordinate a column): the smallest and largest α_t of the
// coordinates in each column, and whether one of them is on the support.
func (p *AlphaProfile) Columns(cols int) (lo, hi []float64, support []bool) {
	d := len(p.Alpha)
	n := min(cols, d)
	if n < 1 {
		return nil, nil, nil
	}
	lo, hi, support = make([]float64, n), make([]float64, n), make([]bool, n)
	for c := range n {
		a, b := c*d/n, (c+1)*d/n
		lo[c], hi[c] = p.Alpha[a], p.Alpha[b-1]
		for i := a; i < b; i++ {
			support[c] = support[c] || (p.Support != nil && p.Support[i])
		}
	}
	return lo, hi, support
}

// Marker is a live change of the parameters, shown on the time axis.
type Marker struct {
	Time  float64
	Steps int64
	Label string // e.g. "γ 0.01→0.02"
}

// References are the theory's levels for the current problem and α.
type References struct {
	Ready bool // false while being solved
	// GFLimitL1 is ‖argmin φ_α‖₁, the ‖β‖₁ gradient flow converges to.
	GFLimitL1, GFLimitTestError float64
	HasGFLimit                  bool
	// MinL1 is the minimum ℓ₁ norm of an interpolator (basis pursuit).
	MinL1, MinL1TestError float64
	HasMinL1              bool
	// MinL2 is ‖·‖₁ of the minimum-ℓ₂ interpolator Xᵀ(XXᵀ)⁻¹y, the limit
	// of gradient flow as α → ∞ (the kernel regime).
	MinL2, MinL2TestError float64
	HasMinL2              bool
	// Lasso is ‖·‖₁ of the Lasso solution with λ_j = γδH_jj/(2n), around
	// which label-noise SGD's iterates hover; solved only when a run has
	// label noise, again at every change of γ or δ.
	LassoL1, LassoTestError float64
	HasLasso                bool
	Err                     string
	// Staircase is the saddle-to-saddle prediction of GF for α ≤
	// StaircaseMaxAlpha (theory.md §9), nil otherwise or while solving.
	Staircase *Staircase
}

// Notice is a message for the user (a refused command, a solver failure).
// Seq increases with every new notice.
type Notice struct {
	Seq  uint64
	Text string
}

// Snapshot is an immutable picture of the runner, published at ≤ 30 Hz.
// Any number of goroutines may read one; nothing in it changes afterwards.
type Snapshot struct {
	// Version increases with every published change.
	Version uint64
	// DataVersion increases whenever what the charts show changes (a new
	// sample, a marker, the references, the shown runs); a chart drawn for
	// one DataVersion can be reused for a snapshot with the same one.
	DataVersion uint64
	// Applied counts the commands the runner has applied, so a sender can
	// tell when all of its commands have taken effect.
	Applied uint64
	// Generation increases at every restart (new α, problem, seed or reset).
	Generation uint64

	Problem ProblemInfo
	Alpha   float64
	Params  sim.Params
	// Scenario is what the runs now in force start from: the problem's spec
	// (or its loaded data), α, the live parameters now, the seed, the
	// horizon and the shown algorithms. Saving it and starting from it
	// gives the same runs (without the live changes' history).
	Scenario Scenario

	Time        float64 // the clock: t = Σ γ over its steps
	Steps       int64   // the clock's steps
	StepsPerSec float64 // measured clock speed, 0 when not running
	Speed       float64 // target speed; Unlimited is flat out
	State       State

	Runs    []Run // GF, GD, SGF, SGD and any other the scenario shows, in sim.AllAlgos order
	Markers []Marker
	Refs    References
	Notice  Notice

	// Coords are the coordinates the strip shows (largest |β*|, |β_t|, |β̂|),
	// in increasing order; StarTop is β* on them (nil when unknown).
	Coords  []int
	StarTop []float64
	// LassoTop is the Lasso solution on Coords (nil without one).
	LassoTop []float64
}

// Run returns the view of algorithm a, or nil.
func (s *Snapshot) Run(a sim.Algo) *Run {
	for i := range s.Runs {
		if s.Runs[i].Algo == a {
			return &s.Runs[i]
		}
	}
	return nil
}

// Enabled lists the shown runs in display order.
func (s *Snapshot) Enabled() []*Run {
	var out []*Run
	for i := range s.Runs {
		if s.Runs[i].Enabled {
			out = append(out, &s.Runs[i])
		}
	}
	return out
}

// TimeAxis is the time range of the shown runs: [0, t] on a linear axis,
// [first positive sample, t] on a log axis.
func (s *Snapshot) TimeAxis(logTime bool) Axis {
	hi, lo := 0.0, math.Inf(1)
	for _, r := range s.Enabled() {
		if r.HasLatest {
			hi = math.Max(hi, r.Latest.Time)
		}
		if logTime && r.log != nil {
			if t := r.log.firstTime(); t > 0 {
				lo = math.Min(lo, t)
			}
		}
	}
	if !logTime {
		return Axis{Lo: 0, Hi: hi}
	}
	if math.IsInf(lo, 0) || lo > hi {
		lo = hi
	}
	return Axis{Log: true, Lo: lo, Hi: hi}
}

// Envelope returns, for metric m of run r on cols columns of ax, the
// smallest and largest sampled value in each column, in chart units (log₁₀
// for log metrics). The values are finite; the slices may be shorter than
// cols when the run has not reached the end of the axis, and are empty when
// there is nothing to plot.
func (r *Run) Envelope(m Metric, ax Axis, cols int) (lo, hi []float64) {
	h := r.lin
	if ax.Log {
		h = r.log
	}
	if h == nil || !ax.Valid() {
		return nil, nil
	}
	return h.envelope(m, ax, cols)
}

// Series is the envelope decimated to one value per column, keeping every
// spread (see Decimate).
func (r *Run) Series(m Metric, ax Axis, cols int) []float64 {
	lo, hi := r.Envelope(m, ax, cols)
	return Decimate(lo, hi, 0)
}

// Samples is the number of samples recorded in the run's history.
func (r *Run) Samples() int64 {
	if r.lin == nil {
		return 0
	}
	return r.lin.samples
}

// Buckets is the number of buckets the run's histories hold (bounded).
func (r *Run) Buckets() int {
	n := 0
	if r.lin != nil {
		n += len(r.lin.buckets)
	}
	if r.log != nil {
		n += len(r.log.buckets)
	}
	return n
}

// WriteCSV writes the decimated trajectories of every run that has samples:
// one row per history bucket, with the bucket's time span and the minimum
// and maximum of each metric over the samples in it. spacing is "lin" for
// the linear-time history and "log" for the log-time one.
func (s *Snapshot) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"algo", "spacing", "t_start", "t_end", "t_last", "samples"}
	for _, m := range Metrics {
		head = append(head, m.Name()+"_min", m.Name()+"_max")
	}
	cw.Write(head)
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for i := range s.Runs {
		r := &s.Runs[i]
		for _, h := range []*history{r.lin, r.log} {
			if h == nil {
				continue
			}
			spacing := "lin"
			if h.log {
				spacing = "log"
			}
			for k := range h.buckets {
				b := &h.buckets[k]
				if b.n == 0 {
					continue
				}
				t0, t1 := float64(k)*h.width, float64(k+1)*h.width
				if h.log {
					t0 = h.t0 * math.Pow(10, float64(k)/h.perDecade)
					t1 = h.t0 * math.Pow(10, float64(k+1)/h.perDecade)
				}
				row := []string{string(r.Algo), spacing, num(t0), num(t1), num(b.tLast), strconv.Itoa(int(b.n))}
				for _, m := range Metrics {
					if b.has[m] {
						row = append(row, num(b.lo[m]), num(b.hi[m]))
					} else {
						row = append(row, "", "")
					}
				}
				cw.Write(row)
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
