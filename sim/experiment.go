package sim

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"sgdbias/sim/param"
	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// Config is everything that fixes a set of runs on one problem.
type Config struct {
	Algos  []Algo
	Init   Init
	Params Params
	// Seed fixes every random draw of SGD and SGF (the problem has its own).
	Seed  uint64
	GFTol GFTolerance
}

// NewMethod builds one algorithm, or a variant with pinned parameters, from
// the shared configuration.
func NewMethod(a Algo, p *problem.Problem, cfg Config) (Method, error) {
	if a != a.Base() {
		if _, err := parsePins(a); err != nil {
			return nil, err
		}
		cfg.Params = a.Pinned(cfg.Params)
		m, err := NewMethod(a.Base(), p, cfg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a, err)
		}
		return &pinnedMethod{Method: m, algo: a}, nil
	}
	switch a {
	case GF:
		tol := cfg.GFTol
		if tol == (GFTolerance{}) {
			tol = DefaultGFTolerance
		}
		return NewGF(p, cfg.Init, cfg.Params, tol)
	case GD:
		return NewGD(p, cfg.Init, cfg.Params)
	case SGF:
		return NewSGF(p, cfg.Init, cfg.Params, cfg.Seed)
	case SGD:
		return NewSGD(p, cfg.Init, cfg.Params, cfg.Seed)
	case LNSGD:
		return NewLabelNoiseSGD(p, cfg.Init, cfg.Params, cfg.Seed)
	case HB:
		return NewHeavyBall(p, cfg.Init, cfg.Params)
	}
	return nil, param.Errorf(param.Algos, strconv.Quote(string(a)), "is not an algorithm", "gf, gd, sgf, sgd, lnsgd, hb")
}

// CheckScale reports data too large to train on: the initial loss
// ‖y‖²/(4n) or the initial gradient Xᵀy/n overflows float64, so every
// method would stop at step 0 (rescale X or y). The gradient is formed a
// block of columns at a time, so that the check holds no vector of length d.
func CheckScale(p *problem.Problem) error {
	var yy float64
	for _, v := range p.Y {
		yy += v * v
	}
	if math.IsInf(yy/(4*float64(p.N)), 0) {
		return errors.New("the labels are too large: the initial loss ‖y‖²/(4n) overflows float64; rescale y")
	}
	const block = 4096
	g := make([]float64, min(block, p.D))
	for lo := 0; lo < p.D; lo += block {
		cols := g[:min(block, p.D-lo)]
		blas64.Implementation().Dgemv(blas.Trans, p.N, len(cols), 1/float64(p.N), p.X[lo:], p.D, p.Y, 1, 0, cols, 1)
		for k, v := range cols {
			if math.IsInf(v, 0) || math.IsNaN(v) {
				return fmt.Errorf("the data are too large: the initial gradient (Xᵀy/n)[%d] overflows float64; rescale X or y", lo+k)
			}
		}
	}
	return nil
}

// Experiment is the set of methods one configuration builds, all from the
// same problem and initialisation. Its driver steps them: sim.Run one by one
// to a horizon, sim/live in lockstep with per-run catch-up.
type Experiment struct {
	Problem *problem.Problem
	Config  Config
	Methods []Method
}

// NewExperiment builds every method of cfg.Algos on p.
func NewExperiment(p *problem.Problem, cfg Config) (*Experiment, error) {
	if len(cfg.Algos) == 0 {
		return nil, param.Errorf(param.Algos, "", "none selected", "at least one of gf, gd, sgf, sgd, lnsgd, hb")
	}
	e := &Experiment{Problem: p, Config: cfg}
	for _, a := range cfg.Algos {
		m, err := NewMethod(a, p, cfg)
		if err != nil {
			return nil, err
		}
		e.Methods = append(e.Methods, m)
	}
	return e, nil
}

// Hints fills d's estimates for a message: the stable step (none for GF,
// which has no step) and, for SGF, a noise scale that trains. SGF's noise
// scale plays the part of SGD's step at batch 1 (§4), so SGD's per-sample
// stability estimate at batch 1 stands for it. ref is the GF limit, or nil.
func Hints(d *DivergenceError, p *problem.Problem, in Init, batch int, ref []float64) {
	if d.Algo.Base() == GF {
		return
	}
	d.StableStep = StableStep(p, in, d.Algo, batch, ref)
	if d.Algo.Base() == SGF {
		d.StableNoise = StableStep(p, in, SGD, 1, ref)
	}
}

// StableStep estimates the largest stable step of a discrete method as
// 2/S (§5). S is the larger of the sharpness at initialisation,
// max|g(0)| + 4·max α²·λ_max(H), and at the interpolator ref (the GF limit,
// when known): 2λ_max(DHD), D = diag((β²+4α⁴)^{1/4}). For SGD the
// per-sample curvature 2‖Dxᵢ‖²/b is included, since a single sample can
// throw the iterate out. It is an estimate for a hint, not a guarantee.
func StableStep(p *problem.Problem, in Init, algo Algo, batch int, ref []float64) float64 {
	logAlpha := in.LogAlpha()
	s := initialSharpness(p, logAlpha)
	if ref != nil {
		s = math.Max(s, theory.Sharpness(p.N, p.D, p.X, ref, logAlpha))
		if (algo.Base() == SGD || algo.Base() == LNSGD) && batch > 0 {
			s = math.Max(s, 2*maxWeightedRowNorm2(p, ref, logAlpha)/float64(batch))
		}
	}
	if !(s > 0) || math.IsInf(s, 0) {
		return 0
	}
	return 2 / s
}

// initialSharpness bounds the largest Hessian eigenvalue of the loss in w at
// w± = α: the Hessian is [[diag g + 2αHα, −2αHα], [−2αHα, −diag g + 2αHα]]
// with g = g(0) = −Xᵀy/n.
func initialSharpness(p *problem.Problem, logAlpha []float64) float64 {
	g := make([]float64, p.D)
	transposeTimes(p, -1/float64(p.N), p.Y, g)
	var gmax, a2max float64
	for j, v := range g {
		gmax = math.Max(gmax, math.Abs(v))
		a2max = math.Max(a2max, math.Exp(2*logAlpha[j]))
	}
	// λ_max(H) is the sharpness 2λ_max(DHD) at β = 0 with D = I.
	lambdaH := theory.UnitSharpness(p.N, p.D, p.X) / 2
	return gmax + 4*a2max*lambdaH
}

// maxWeightedRowNorm2 is max_i ‖D xᵢ‖² with D² = diag(√(β²+4α⁴)).
func maxWeightedRowNorm2(p *problem.Problem, beta, logAlpha []float64) float64 {
	var best float64
	for i := 0; i < p.N; i++ {
		var s float64
		for j, x := range p.Row(i) {
			a2 := math.Exp(2 * logAlpha[j])
			s += x * x * math.Sqrt(beta[j]*beta[j]+4*a2*a2)
		}
		best = math.Max(best, s)
	}
	return best
}
