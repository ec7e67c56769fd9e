package sweep

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"sgdbias/sim"
	"sgdbias/sim/param"
)

// Metric names a per-run quantity that a sweep summarises.
type Metric string

// The metrics, in the order they are printed.
const (
	TestError  Metric = "test_error"  // (β−β*)ᵀΣ(β−β*) at the end
	L1Norm     Metric = "l1_norm"     // ‖β‖₁ at the end
	L1Distance Metric = "l1_distance" // ‖β − β_ℓ₁‖₂, β_ℓ₁ the min-ℓ₁ interpolator
	AlphaRatio Metric = "alpha_ratio" // α_∞/α: geometric mean of α_t over coordinates, over α
	Steps      Metric = "steps"       // steps until the loss first was ≤ tol, or the horizon (GF: time/γ)
	Time       Metric = "time"        // continuous time of the same moment
	// JumpError is how far the run's saddle-to-saddle jumps are from the
	// small-α prediction (theory.Schedule.JumpError, theory.md §9).
	JumpError Metric = "jump_error"
)

// Metrics lists every metric in print order.
var Metrics = []Metric{TestError, L1Norm, L1Distance, AlphaRatio, Steps, Time, JumpError}

// ParseMetric parses a metric name.
func ParseMetric(s string) (Metric, error) {
	for _, m := range Metrics {
		if string(m) == strings.TrimSpace(s) {
			return m, nil
		}
	}
	names := make([]string, len(Metrics))
	for i, m := range Metrics {
		names[i] = string(m)
	}
	return "", param.Errorf(param.Metric, strconv.Quote(s), "is not a metric", "%s", strings.Join(names, ", "))
}

// Label is the metric's short name for table headers and axes.
func (m Metric) Label() string {
	switch m {
	case TestError:
		return "test error"
	case L1Norm:
		return "‖β‖₁"
	case L1Distance:
		return "‖β−β_ℓ₁‖₂"
	case AlphaRatio:
		return "α_∞/α"
	case Steps:
		return "steps"
	case Time:
		return "time"
	case JumpError:
		return "jump err"
	}
	return string(m)
}

// Describe is the metric's name with its meaning, for figure axes.
func (m Metric) Describe() string {
	switch m {
	case TestError:
		return "test error (β−β*)ᵀΣ(β−β*)"
	case L1Norm:
		return "‖β‖₁"
	case L1Distance:
		return "distance to min-ℓ₁ solution ‖β−β_ℓ₁‖₂"
	case AlphaRatio:
		return "effective initialisation α_∞/α (geometric mean)"
	case Steps:
		return "steps until loss ≤ tol"
	case Time:
		return "time until loss ≤ tol"
	case JumpError:
		return "jump times vs saddle schedule: mean |t_k − τ_k·ln(1/α)|/(τ_k·ln(1/α))"
	}
	return string(m)
}

// Record is the outcome of one job. Metrics that are unavailable (no β*,
// a failed min-ℓ₁ solve, a diverged run) are nil, never NaN.
type Record struct {
	Job        int      `json:"job"`
	Point      int      `json:"point"`
	Algo       sim.Algo `json:"algo"`
	Rep        int      `json:"rep"`
	TestError  *float64 `json:"test_error"`
	L1Norm     *float64 `json:"l1_norm"`
	L1Distance *float64 `json:"l1_distance"`
	AlphaRatio *float64 `json:"alpha_ratio"`
	// JumpError is the relative error of the run's first jump times against
	// the saddle-to-saddle schedule (theory.Schedule.JumpError); nil for
	// α ≥ 1, a failed schedule, or no jump predicted within the horizon.
	JumpError *float64 `json:"jump_error"`
	// Steps and Time are where the run stopped: the first check with the
	// loss ≤ tol (at most 1% of the steps after the check before it), the
	// horizon, or the step at which it diverged.
	Steps     int64   `json:"steps"`
	Time      float64 `json:"time"`
	Converged bool    `json:"converged"`
	Diverged  bool    `json:"diverged"`
	// Status is how the run ended (sim.Statuses); see RunStatus for
	// records written before it existed.
	Status sim.Status `json:"status,omitempty"`
	// Divergence describes where a diverged run left the finite range.
	Divergence string `json:"divergence,omitempty"`
	// Error is a failure that is not a divergence (the problem of this seed
	// could not be drawn, say); such runs count as failed.
	Error string `json:"error,omitempty"`
	// Seconds is the job's wall time (0 and omitted without timing).
	Seconds float64 `json:"seconds,omitempty"`
}

// RunStatus is how the run ended: its Status, or for a record without one
// (an older file) what its flags say.
func (r Record) RunStatus() sim.Status {
	switch {
	case r.Status != "":
		return r.Status
	case r.Error != "":
		return sim.StatusFailed
	case r.Diverged:
		return sim.StatusDiverged
	case r.Converged:
		return sim.StatusConverged
	}
	return sim.StatusHorizon
}

// Value returns the record's value of metric m and whether it has one.
// Runs that diverged, collapsed or failed have none.
func (r Record) Value(m Metric) (float64, bool) {
	if !r.RunStatus().OK() {
		return 0, false
	}
	var p *float64
	switch m {
	case TestError:
		p = r.TestError
	case L1Norm:
		p = r.L1Norm
	case L1Distance:
		p = r.L1Distance
	case AlphaRatio:
		p = r.AlphaRatio
	case JumpError:
		p = r.JumpError
	case Steps:
		return float64(r.Steps), true
	case Time:
		return r.Time, true
	}
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return 0, false
	}
	return *p, true
}

// Stat summarises the values of one metric: how many there were, their
// mean, standard deviation (with n−1; 0 for a single value) and median
// (the mean of the two middle values for even n). With no value all three
// are nil.
type Stat struct {
	N      int      `json:"n"`
	Mean   *float64 `json:"mean"`
	SD     *float64 `json:"sd"`
	Median *float64 `json:"median"`
}

// Describe summarises x; non-finite values are left out.
func Describe(x []float64) Stat {
	vals := make([]float64, 0, len(x))
	for _, v := range x {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			vals = append(vals, v)
		}
	}
	st := Stat{N: len(vals)}
	if st.N == 0 {
		return st
	}
	mean, sd := stat.Mean(vals, nil), 0.0
	if st.N > 1 {
		sd = stat.StdDev(vals, nil)
	}
	slices.Sort(vals)
	// stat.Quantile's empirical median is the lower middle value for even n;
	// average it with the upper one for the usual median.
	median := stat.Quantile(0.5, stat.Empirical, vals, nil)
	if st.N%2 == 0 {
		median = (median + vals[st.N/2]) / 2
	}
	st.Mean, st.SD, st.Median = finite(mean), finite(sd), finite(median)
	if st.Mean == nil || st.SD == nil || st.Median == nil {
		// Finite values whose sum overflows: report none rather than Inf.
		return Stat{N: st.N}
	}
	return st
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// Summary aggregates the runs of one algorithm at one grid point.
type Summary struct {
	Point Point    `json:"point"`
	Algo  sim.Algo `json:"algo"`
	// Runs is how many repetitions finished; Diverged, Collapsed and Failed
	// of them are left out of every statistic; Converged reached the
	// tolerance.
	Runs      int `json:"runs"`
	Diverged  int `json:"diverged"`
	Collapsed int `json:"collapsed"`
	Failed    int `json:"failed"`
	Converged int `json:"converged"`
	// Stats holds one Stat per metric, in the order of Metrics.
	Stats []Stat `json:"-"`
}

// Stat returns the summary of metric m.
func (s Summary) Stat(m Metric) Stat {
	for i, mm := range Metrics {
		if mm == m {
			return s.Stats[i]
		}
	}
	return Stat{}
}

// Summarize aggregates records by grid point and algorithm, in job order:
// one Summary for every (point, algorithm) with at least one record.
// Records must be sorted by job index (as in a Result).
func Summarize(c Config, records []Record) []Summary {
	var out []Summary
	for start := 0; start < len(records); {
		job := c.Job(records[start].Job)
		end := start
		for end < len(records) {
			j := c.Job(records[end].Job)
			if j.Point != job.Point || j.Algo != job.Algo {
				break
			}
			end++
		}
		out = append(out, summarize(c, job, records[start:end]))
		start = end
	}
	return out
}

func summarize(c Config, job Job, recs []Record) Summary {
	s := Summary{Point: c.Grid.Point(job.Point), Algo: job.Algo, Runs: len(recs)}
	for _, r := range recs {
		switch r.RunStatus() {
		case sim.StatusFailed:
			s.Failed++
		case sim.StatusDiverged:
			s.Diverged++
		case sim.StatusCollapsed:
			s.Collapsed++
		case sim.StatusConverged:
			s.Converged++
		}
	}
	vals := make([]float64, 0, len(recs))
	for _, m := range Metrics {
		vals = vals[:0]
		for _, r := range recs {
			if v, ok := r.Value(m); ok {
				vals = append(vals, v)
			}
		}
		s.Stats = append(s.Stats, Describe(vals))
	}
	return s
}
