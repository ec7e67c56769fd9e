package cli

import (
	"fmt"
	"math"

	"sgdbias/presets"
	"sgdbias/sim"
	"sgdbias/sim/problem"
)

// The JSON report of `sgdbias run`. Optional numbers are pointers so that a
// missing value is null, never NaN.
type jsonReport struct {
	Config     jsonConfig      `json:"config"`
	Runs       []jsonRun       `json:"runs"`
	References *jsonReferences `json:"references,omitempty"`
	Saddles    *jsonSaddles    `json:"saddles,omitempty"`
}

type jsonConfig struct {
	Preset      string   `json:"preset,omitempty"`
	ConfigFile  string   `json:"config_file,omitempty"`
	Data        string   `json:"data"`
	N           int      `json:"n"`
	D           int      `json:"d"`
	S           *int     `json:"s"`
	BetaStar    string   `json:"beta_star,omitempty"`
	Features    string   `json:"features,omitempty"`
	LabelSigma  float64  `json:"label_sigma"`
	Seed        uint64   `json:"seed"`
	Algos       []string `json:"algos"`
	Alpha       float64  `json:"alpha"`
	Step        float64  `json:"step"`
	Noise       float64  `json:"noise"`
	Batch       int      `json:"batch"`
	Reshuffle   bool     `json:"reshuffle"`
	LabelNoise  float64  `json:"label_noise"`
	Momentum    float64  `json:"momentum"`
	Time        float64  `json:"time,omitempty"`
	Steps       int64    `json:"steps,omitempty"`
	Tol         float64  `json:"tol,omitempty"`
	Samples     int      `json:"samples"`
	Spacing     string   `json:"sample_spacing"`
	GFRelTol    float64  `json:"gf_rel_tol"`
	GFAbsTol    float64  `json:"gf_abs_tol"`
	Convention  string   `json:"convention"`
	TestErrorIs string   `json:"test_error"`
}

type jsonRun struct {
	Algo            string    `json:"algo"`
	Steps           int64     `json:"steps"`
	Time            float64   `json:"time"`
	TrainLoss       float64   `json:"train_loss"`
	L1Norm          float64   `json:"l1_norm"`
	TestError       *float64  `json:"test_error"`
	AlphaEff        []float64 `json:"alpha_eff"`
	AlphaGeoMean    float64   `json:"alpha_geomean"`
	AlphaMin        float64   `json:"alpha_min"`
	AlphaMax        float64   `json:"alpha_max"`
	IntLoss         float64   `json:"int_loss"`
	GainMean        float64   `json:"gain_mean"`
	Beta            []float64 `json:"beta"`
	PredictedBeta   []float64 `json:"predicted_beta"`
	PredictionError *float64  `json:"prediction_error"`
	// Status is how the run ended: horizon, converged (the loss reached
	// --tol), diverged, collapsed or failed; Error is the reason of the
	// last three.
	Status         sim.Status      `json:"status"`
	Error          string          `json:"error,omitempty"`
	Converged      bool            `json:"converged"`
	Diverged       bool            `json:"diverged"`
	Divergence     *jsonDivergence `json:"divergence,omitempty"`
	WallSeconds    *float64        `json:"wall_seconds,omitempty"`
	StepsPerSecond *float64        `json:"steps_per_second,omitempty"`
}

type jsonDivergence struct {
	Step       int64    `json:"step"`
	Time       float64  `json:"time"`
	LastLoss   float64  `json:"last_loss"`
	StableStep *float64 `json:"stable_step"`
	Message    string   `json:"message"`
}

type jsonReferences struct {
	GFLimit *jsonReference `json:"gf_limit"`
	L1Min   *jsonReference `json:"l1_min"`
	L2Min   *jsonReference `json:"l2_min"`
	Errors  []string       `json:"errors,omitempty"`
}

type jsonReference struct {
	Beta      []float64 `json:"beta"`
	L1Norm    float64   `json:"l1_norm"`
	TestError *float64  `json:"test_error"`
	Certified *bool     `json:"certified,omitempty"`
}

func buildConfigJSON(sc presets.Scenario, sf *presets.Flags, p *problem.Problem, cfg sim.Config, opts sim.RunOptions) jsonConfig {
	c := jsonConfig{
		Data: p.Source, N: p.N, D: p.D, Seed: *sc.Seed, Alpha: *sc.Alpha,
		Step: cfg.Params.Step, Noise: cfg.Params.Noise, Batch: cfg.Params.Batch, Reshuffle: cfg.Params.Reshuffle,
		LabelNoise: cfg.Params.LabelNoise, Momentum: cfg.Params.Momentum,
		Time: opts.Horizon.Time, Steps: opts.Horizon.Steps, Tol: opts.Horizon.Tol,
		Samples: opts.Samples, Spacing: spacingName(opts.Spacing),
		GFRelTol: sim.DefaultGFTolerance.Rel, GFAbsTol: sim.DefaultGFTolerance.Abs,
		Convention:  "seed paper: beta = w+^2 - w-^2, w+(0) = w-(0) = alpha, L = |X beta - y|^2/(4n)",
		TestErrorIs: "(beta - beta*)' Sigma (beta - beta*)",
	}
	if sf.Config != "" {
		c.ConfigFile = sf.Config
	} else {
		c.Preset = sf.Preset
	}
	if sf.Data == "" {
		s := countNonZero(p.BetaStar)
		c.S, c.BetaStar, c.Features, c.LabelSigma = &s, sc.BetaStar, sc.Features, *sc.LabelSigma
	}
	for _, a := range cfg.Algos {
		c.Algos = append(c.Algos, string(a))
	}
	return c
}

func buildRunJSON(o runOutcome, timing bool) jsonRun {
	f := o.result.Final
	r := jsonRun{
		Algo: string(o.algo), Steps: f.Steps, Time: f.Time, TrainLoss: f.Loss, L1Norm: f.L1,
		AlphaGeoMean: f.AlphaGeoMean, AlphaMin: f.AlphaMin, AlphaMax: f.AlphaMax,
		IntLoss: f.IntLoss, GainMean: f.GainMean, Beta: o.result.Beta,
		Status: o.status(), Converged: o.result.Status == sim.StatusConverged,
		Diverged: o.status() == sim.StatusDiverged,
	}
	if err := o.failure(); err != nil {
		r.Error = err.Error()
	}
	if f.HasTestError {
		r.TestError = ptr(f.TestError)
	}
	// ln α_t is read nowhere after the report: turn it into α_t in place,
	// so that a run at large d holds one vector of length d fewer.
	r.AlphaEff = o.result.LogAlpha
	for j, la := range r.AlphaEff {
		r.AlphaEff[j] = math.Exp(la)
	}
	if o.predicted != nil {
		r.PredictedBeta = o.predicted
		r.PredictionError = ptr(sim.RelativeDistance(o.result.Beta, o.predicted))
	}
	if d := o.result.Diverged; d != nil {
		// The record says where the run stopped, as the message does, not
		// where it was last sampled; the other metrics stay those of the
		// last finite sample. A loss not finite at the start has no last
		// finite value (LastLoss is 0 there), so the sampled one stays.
		r.Steps, r.Time = d.Step, d.Time
		if d.Step > 0 || d.Collapsed {
			r.TrainLoss = d.LastLoss
		}
		r.Divergence = &jsonDivergence{Step: d.Step, Time: d.Time, LastLoss: d.LastLoss, Message: d.Error()}
		if d.StableStep > 0 {
			r.Divergence.StableStep = ptr(d.StableStep)
		}
	}
	if timing {
		r.WallSeconds = ptr(o.result.StepSeconds)
		r.StepsPerSecond = ptr(stepsPerSecond(o))
	}
	return r
}

func stepsPerSecond(o runOutcome) float64 {
	if o.result.StepSeconds <= 0 {
		return 0
	}
	steps := o.result.Final.Steps
	if d := o.result.Diverged; d != nil {
		steps = d.Step
	}
	return float64(steps) / o.result.StepSeconds
}

func buildReferencesJSON(refs sim.References, p *problem.Problem) *jsonReferences {
	out := &jsonReferences{
		GFLimit: referenceJSON(refs.GFLimit, p),
		L1Min:   referenceJSON(refs.MinL1, p),
		L2Min:   referenceJSON(refs.MinL2, p),
	}
	if out.L1Min != nil {
		out.L1Min.Certified = ptr(refs.MinL1Certified)
	}
	for _, err := range refs.Errs {
		out.Errors = append(out.Errors, err.Error())
	}
	return out
}

func referenceJSON(beta []float64, p *problem.Problem) *jsonReference {
	if beta == nil {
		return nil
	}
	r := &jsonReference{Beta: beta, L1Norm: l1Norm(beta)}
	if te, ok := p.TestError(beta); ok {
		r.TestError = ptr(te)
	}
	return r
}

func ptr[T any](v T) *T { return &v }

func l1Norm(beta []float64) float64 {
	var s float64
	for _, b := range beta {
		s += math.Abs(b)
	}
	return s
}

func countNonZero(v []float64) int {
	n := 0
	for _, x := range v {
		if x != 0 {
			n++
		}
	}
	return n
}

func spacingName(s sim.SampleSpacing) string {
	if s == sim.Log {
		return "log"
	}
	return "lin"
}

func formatOptional(v *float64, verb string) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf(verb, *v)
}
