// Package sweep runs a grid of scenarios over several data seeds and
// aggregates the results.
//
// A sweep is the Cartesian product of values of α, γ (step), the SGF noise
// scale and the SGD batch size (Grid), for a list of algorithms, repeated on
// Reps data seeds: repetition r draws its problem with seed Seed+r and seeds
// the random draws of SGD and SGF with the same number, so every grid point
// of one repetition sees the same data and the same draws (common random
// numbers). Each (grid point, algorithm, repetition) is one Job, numbered in
// a fixed order; a Shard is a deterministic slice of the jobs, so a sweep can
// be split over processes or machines and the partial results merged back
// (Merge) into exactly what one process would have computed.
//
// Per job it records the final test error, ‖β‖₁, the distance ‖β − β_ℓ₁‖₂ to
// the minimum-ℓ₁ interpolator of that repetition's data, the effective
// initialisation ratio α_∞/α (geometric mean over coordinates), the steps and
// time until the training loss first fell to the tolerance (or the horizon),
// and whether the run diverged. Summaries give, per grid point and
// algorithm, the mean, standard deviation and median of each metric over
// the runs that did not diverge.
package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"sgdbias/sim"
	"sgdbias/sim/param"
	"sgdbias/sim/problem"
)

// Config fixes a sweep completely: two runs of the same Config give the same
// records bit for bit (timings aside).
type Config struct {
	Problem ProblemConfig `json:"problem"`
	// Seed is the base seed: repetition r uses Seed+r for its data and for
	// every random draw of SGD and SGF.
	Seed      uint64     `json:"seed"`
	Reps      int        `json:"reps"`
	Algos     []sim.Algo `json:"algos"`
	Grid      Grid       `json:"grid"`
	Reshuffle bool       `json:"reshuffle"`
	// LabelNoise (δ of lnsgd) and Momentum (μ of hb) are fixed parameters
	// of those algorithms; they are not swept.
	LabelNoise float64 `json:"label_noise,omitempty"`
	Momentum   float64 `json:"momentum,omitempty"`
	Horizon    Horizon `json:"horizon"`

	// gfTol overrides GFTolerance (tests compare the two); zero: GFTolerance.
	gfTol sim.GFTolerance
}

// gfTolerance is GF's error control for the config's jobs.
func (c Config) gfTolerance() sim.GFTolerance {
	if c.gfTol != (sim.GFTolerance{}) {
		return c.gfTol
	}
	return GFTolerance
}

// ProblemConfig says where each repetition's problem comes from: generated
// from these settings with seed Seed+r, or, when DataSHA256 is set, the one
// loaded problem (identified by the SHA-256 of its numbers) for every
// repetition, which then differ only in their random draws.
type ProblemConfig struct {
	// Source names the preset, scenario file or data file, for display only:
	// it is not part of the fingerprint.
	Source     string  `json:"source,omitempty"`
	N          int     `json:"n"`
	D          int     `json:"d"`
	S          int     `json:"s,omitempty"`
	BetaStar   string  `json:"beta_star,omitempty"`
	Features   string  `json:"features,omitempty"`
	LabelSigma float64 `json:"label_sigma,omitempty"`
	DataSHA256 string  `json:"data_sha256,omitempty"`
}

// Loaded reports whether the problem is a loaded data file.
func (pc ProblemConfig) Loaded() bool { return pc.DataSHA256 != "" }

// Spec returns the generator's spec for a data seed.
func (pc ProblemConfig) Spec(seed uint64) (problem.Spec, error) {
	beta, err := problem.ParseBetaSpec(pc.BetaStar)
	if err != nil {
		return problem.Spec{}, err
	}
	feat, err := problem.ParseFeatureSpec(pc.Features)
	if err != nil {
		return problem.Spec{}, err
	}
	return problem.Spec{N: pc.N, D: pc.D, S: pc.S, Beta: beta, Features: feat, LabelSigma: pc.LabelSigma, Seed: seed}, nil
}

// Horizon is when each run stops (see sim.Horizon); its JSON is part of the
// sweep's fingerprint.
type Horizon = sim.Horizon

// Grid is the set of parameter values a sweep visits: every combination of
// the four axes. When NoiseFollowsStep is set the SGF noise scale equals γ at
// every point and the Noise axis is ignored.
type Grid struct {
	Alpha            Axis `json:"alpha"`
	Step             Axis `json:"step"`
	Noise            Axis `json:"noise"`
	Batch            Axis `json:"batch"`
	NoiseFollowsStep bool `json:"noise_follows_step"`
}

// Axis returns the axis of parameter p.
func (g *Grid) Axis(p Param) *Axis {
	switch p {
	case Alpha:
		return &g.Alpha
	case Step:
		return &g.Step
	case Noise:
		return &g.Noise
	case Batch:
		return &g.Batch
	}
	return nil
}

// axisLen is the number of values the grid takes along p (noise: 1 when it
// follows the step).
func (g Grid) axisLen(p Param) int {
	if p == Noise && g.NoiseFollowsStep {
		return 1
	}
	return len(g.Axis(p).Values)
}

// Size is the number of grid points.
func (g Grid) Size() int {
	n := 1
	for _, p := range Params {
		n *= g.axisLen(p)
	}
	return n
}

// Swept lists the parameters that take more than one value, in grid order.
func (g Grid) Swept() []Param {
	var out []Param
	for _, p := range Params {
		if g.axisLen(p) > 1 {
			out = append(out, p)
		}
	}
	return out
}

// Point is one combination of parameter values.
type Point struct {
	Index int     `json:"-"`
	Alpha float64 `json:"alpha"`
	Step  float64 `json:"step"`
	Noise float64 `json:"noise"`
	Batch int     `json:"batch"`
	// Pos is the index of each value along its axis, in Params order.
	Pos [4]int `json:"-"`
}

// Value returns the point's value of parameter p.
func (pt Point) Value(p Param) float64 {
	switch p {
	case Alpha:
		return pt.Alpha
	case Step:
		return pt.Step
	case Noise:
		return pt.Noise
	case Batch:
		return float64(pt.Batch)
	}
	return math.NaN()
}

// Point returns grid point i, 0 ≤ i < Size(): the last parameter (batch)
// varies fastest.
func (g Grid) Point(i int) Point {
	pt := Point{Index: i}
	rem := i
	for k := len(Params) - 1; k >= 0; k-- {
		n := g.axisLen(Params[k])
		pt.Pos[k] = rem % n
		rem /= n
	}
	pt.Alpha = g.Alpha.Values[pt.Pos[0]]
	pt.Step = g.Step.Values[pt.Pos[1]]
	if g.NoiseFollowsStep {
		pt.Noise = pt.Step
	} else {
		pt.Noise = g.Noise.Values[pt.Pos[2]]
	}
	pt.Batch = int(g.Batch.Values[pt.Pos[3]])
	return pt
}

// Index returns the grid point at the given positions along each axis.
func (g Grid) Index(pos [4]int) int {
	i := 0
	for k, p := range Params {
		i = i*g.axisLen(p) + pos[k]
	}
	return i
}

// Jobs is the number of jobs: grid points × algorithms × repetitions.
func (c Config) Jobs() int { return c.Grid.Size() * len(c.Algos) * c.Reps }

// Job is one run: an algorithm at a grid point on one repetition's data.
type Job struct {
	Index int // position in the sweep's job order
	Point int // grid point
	Algo  sim.Algo
	Rep   int
}

// Job returns job i. Jobs are ordered by grid point, then algorithm (in the
// order of Config.Algos), then repetition.
func (c Config) Job(i int) Job {
	a, r := len(c.Algos), c.Reps
	return Job{Index: i, Point: i / (a * r), Algo: c.Algos[(i/r)%a], Rep: i % r}
}

// JobIndex returns the index of the job at (point, algorithm, repetition),
// or -1 when the algorithm is not in the sweep.
func (c Config) JobIndex(point int, algo sim.Algo, rep int) int {
	for k, a := range c.Algos {
		if a == algo {
			return (point*len(c.Algos)+k)*c.Reps + rep
		}
	}
	return -1
}

// DataSeed is the seed of repetition r.
func (c Config) DataSeed(rep int) uint64 { return c.Seed + uint64(rep) }

// MaxReps caps the repetitions of a sweep.
const MaxReps = 10000

// Validate checks the configuration; errors name the flag to change.
func (c Config) Validate() error {
	if c.Reps < 1 || c.Reps > MaxReps {
		return param.OutOfRange(param.Reps, c.Reps, "1 ≤ R ≤ %d", MaxReps)
	}
	if len(c.Algos) == 0 {
		return param.Errorf(param.Algos, "", "none selected", "at least one of gf, gd, sgf, sgd, lnsgd, hb")
	}
	seen := map[sim.Algo]bool{}
	for _, a := range c.Algos {
		if _, err := sim.ParseAlgos(string(a)); err != nil || a == "all" {
			return param.Errorf(param.Algos, strconv.Quote(string(a)), "is not an algorithm", "gf, gd, sgf, sgd, lnsgd, hb or a variant")
		}
		if seen[a] {
			return param.Errorf(param.Algos, a, "is listed twice", "each algorithm once")
		}
		seen[a] = true
	}
	if c.Problem.N < 1 || c.Problem.D <= c.Problem.N {
		return param.OutOfRange(param.N, c.Problem.N, "1 ≤ n < d (=%d)", c.Problem.D)
	}
	for _, p := range Params {
		if p == Noise && c.Grid.NoiseFollowsStep {
			continue
		}
		if err := c.Grid.Axis(p).check(p); err != nil {
			return err
		}
	}
	if b := c.Grid.Batch.Values; b[len(b)-1] > float64(c.Problem.N) {
		return param.OutOfRange(param.Batch, b[len(b)-1], "1 ≤ b ≤ n (=%d)", c.Problem.N)
	}
	fixed := sim.Params{Step: 1, Noise: 0, Batch: 1, LabelNoise: c.LabelNoise, Momentum: c.Momentum}
	if err := fixed.Validate(c.Problem.N); err != nil {
		return err
	}
	if err := c.Horizon.Validate(); err != nil {
		return err
	}
	if jobs := float64(c.Grid.Size()) * float64(len(c.Algos)) * float64(c.Reps); jobs > MaxJobs {
		return fmt.Errorf("the sweep has %.0f jobs (grid points × algorithms × reps); at most %d: use fewer points or repetitions", jobs, MaxJobs)
	}
	return nil
}

// check validates an axis that was built or decoded rather than parsed.
func (a Axis) check(p Param) error {
	if a.Param != p {
		return gridErr(p, "the axis names %q", a.Param)
	}
	if len(a.Values) == 0 || len(a.Values) > MaxAxisPoints {
		return gridErr(p, "%d values; want 1 to %d", len(a.Values), MaxAxisPoints)
	}
	lo, hi, _ := Range(p)
	for i, v := range a.Values {
		if !(v >= lo && v <= hi) || (p == Batch && v != math.Trunc(v)) {
			return gridErr(p, "%v is out of range; allowed %s", v, RangeText(p))
		}
		if i > 0 && !(v > a.Values[i-1]) {
			return gridErr(p, "values must increase and not repeat")
		}
	}
	return nil
}

// Fingerprint identifies the sweep: the SHA-256 of its configuration with the
// axes' display text left out. Shards of one sweep share it.
func (c Config) Fingerprint() string {
	canon := c
	for _, p := range Params {
		ax := *canon.Grid.Axis(p)
		ax.Spec = ""
		*canon.Grid.Axis(p) = ax
	}
	if canon.Grid.NoiseFollowsStep {
		canon.Grid.Noise = Axis{Param: Noise}
	}
	canon.Problem.Source = "" // a name does not matter, the numbers do
	b, err := json.Marshal(canon)
	if err != nil {
		panic(err) // a Config always marshals
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
