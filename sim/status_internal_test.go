package sim

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"sgdbias/sim/problem"
)

func gaussianProblem(n, d int, seed uint64) *problem.Problem {
	rng := rand.New(rand.NewPCG(seed, 3))
	p := &problem.Problem{N: n, D: d, X: make([]float64, n*d), Y: make([]float64, n)}
	for i := range p.X {
		p.X[i] = rng.NormFloat64()
	}
	for i := range p.Y {
		p.Y[i] = rng.NormFloat64()
	}
	p.Finish()
	return p
}

// Weights that underflowed to zero in every coordinate are an absorbing
// state of the multiplicative updates (β ≡ 0 for ever): the run ends as
// collapsed, for GD, SGD, heavy ball and, in the log domain, SGF. With y = 0
// the same state is the solution and nothing collapses.
func TestUnderflowedWeightsCollapse(t *testing.T) {
	p := gaussianProblem(5, 12, 1)
	params := Params{Step: 0.01, Noise: 0.01, Batch: 1}
	in := UniformInit(0.1, p.D)
	kill := map[Algo]func(Method){
		GD:  func(m Method) { clear(m.(*gdMethod).wp); clear(m.(*gdMethod).wm) },
		SGD: func(m Method) { clear(m.(*sgdMethod).wp); clear(m.(*sgdMethod).wm) },
		HB:  func(m Method) { clear(m.(*hbMethod).wp); clear(m.(*hbMethod).wm) },
		SGF: func(m Method) {
			s := m.(*sgfMethod)
			for j := range s.logWp {
				s.logWp[j], s.logWm[j] = -1000, -1000
			}
		},
	}
	for a, k := range kill {
		m, err := NewMethod(a, p, Config{Init: in, Params: params, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		k(m)
		clear(m.State().Beta)
		res, err := Run(context.Background(), m, NewSampler(p, in), RunOptions{Horizon: Horizon{Steps: 100}, Samples: 2})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != StatusCollapsed || res.Err() == nil || !strings.Contains(res.Err().Error(), "collapsed") {
			t.Errorf("%s: status %q, error %v; want collapsed", a, res.Status, res.Err())
		}
	}
	zero := &problem.Problem{N: p.N, D: p.D, X: p.X, Y: make([]float64, p.N)}
	zero.Finish()
	m, _ := NewGD(zero, in, params)
	clear(m.(*gdMethod).wp)
	clear(m.(*gdMethod).wm)
	if err := m.AdvanceTo(1); err != nil {
		t.Errorf("y = 0: β ≡ 0 is the solution, got %v", err)
	}
}

// Run labels every ending: the horizon, the tolerance, a divergence, a
// failure of the method.
func TestRunStatus(t *testing.T) {
	p := gaussianProblem(5, 12, 2)
	in := UniformInit(0.1, p.D)
	cases := []struct {
		algo Algo
		step float64
		h    Horizon
		want Status
	}{
		{GD, 0.01, Horizon{Steps: 10}, StatusHorizon},
		{GF, 0.01, Horizon{Time: 1e4, Tol: 1e-6}, StatusConverged},
		{GD, 100, Horizon{Steps: 100}, StatusDiverged},
	}
	for _, c := range cases {
		m, err := NewMethod(c.algo, p, Config{Init: in, Params: Params{Step: c.step, Batch: 1}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(context.Background(), m, NewSampler(p, in), RunOptions{Horizon: c.h, Samples: 4})
		if err != nil || res.Status != c.want || res.Status.OK() != (res.Err() == nil) {
			t.Errorf("%s γ=%g: status %q (%v), want %q", c.algo, c.step, res.Status, res.Err(), c.want)
		}
	}
	m, _ := NewGD(p, in, Params{Step: 0.01, Batch: 1})
	res, err := Run(context.Background(), &failingMethod{m}, NewSampler(p, in), RunOptions{Horizon: Horizon{Steps: 10}, Samples: 2})
	if err != nil || res.Status != StatusFailed || res.Failure == nil {
		t.Errorf("a failing method: status %q, failure %v", res.Status, res.Failure)
	}
}

type failingMethod struct{ Method }

func (m *failingMethod) AdvanceTo(float64) error { return errTestFailure }

var errTestFailure = &testFailure{}

type testFailure struct{}

func (*testFailure) Error() string { return "the integrator gave up" }
