package sim_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"sgdbias/sim"
)

// A fixed-step method takes exactly the capped number of steps, then the
// rest up to the target, and ends where one AdvanceTo ends, bit for bit.
func TestAdvanceCapsFixedSteps(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 1)
	const gamma = 0.02
	for _, a := range []sim.Algo{sim.GD, sim.SGD, sim.SGF, sim.HB, "gd:step=0.01"} {
		chunked, whole := newMethod(t, a, p, 0.1, gamma, 5), newMethod(t, a, p, 0.1, gamma, 5)
		dt := sim.TimePerStep(a, chunked.Params())
		target := 40 * dt
		adv := sim.Advance(context.Background(), chunked, target, 7)
		if adv.Outcome != sim.StepCapped || adv.Steps != 7 || chunked.State().Steps != 7 {
			t.Fatalf("%s: capped advance: %+v after %d steps; want step cap after 7", a, adv, chunked.State().Steps)
		}
		for adv.Outcome == sim.StepCapped {
			adv = sim.Advance(context.Background(), chunked, target, 7)
		}
		if adv.Outcome != sim.Reached || chunked.State().Steps != 40 {
			t.Fatalf("%s: %v at %d steps; want reached at 40", a, adv.Outcome, chunked.State().Steps)
		}
		mustAdvance(t, whole, target)
		if !slices.Equal(chunked.State().Beta, whole.State().Beta) {
			t.Errorf("%s: β after chunks differs from one AdvanceTo", a)
		}
		if adv := sim.Advance(nil, chunked, target, 7); adv.Outcome != sim.Reached || adv.Steps != 0 {
			t.Errorf("%s: advancing to where it is: %+v; want reached in 0 steps", a, adv)
		}
	}
}

// GF's adaptive steps count against the cap; without one it lands on the
// target exactly.
func TestAdvanceCapsGFSteps(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 2)
	m := newMethod(t, sim.GF, p, 0.1, 0.02, 1)
	adv := sim.Advance(nil, m, 50, 3)
	if adv.Outcome != sim.StepCapped || adv.Steps != 3 || !(m.State().Time < 50) {
		t.Fatalf("capped GF: %+v at t = %g; want 3 steps short of t = 50", adv, m.State().Time)
	}
	if adv := sim.Advance(nil, m, 50, 0); adv.Outcome != sim.Reached || m.State().Time != 50 {
		t.Fatalf("uncapped GF: %+v at t = %g; want reached at exactly 50", adv, m.State().Time)
	}
}

// A divergence is reported with the run's own label, again on the next
// call without a step, and a cancelled context takes no step.
func TestAdvanceDivergenceAndCancel(t *testing.T) {
	p := sparseProblem(t, 20, 50, 3, 3)
	const label = sim.Algo("gd:step=5")
	m := newMethod(t, label, p, 1, 0.01, 1)
	adv := sim.Advance(nil, m, 1e4, 0)
	if adv.Outcome != sim.Diverged || adv.Divergence == nil || adv.Divergence.Algo != label {
		t.Fatalf("γ = 5: %+v; want diverged, labelled %s", adv, label)
	}
	if adv.Steps != m.State().Steps || adv.Divergence.Step > m.State().Steps || !(adv.Divergence.Gamma == 5) {
		t.Errorf("divergence %+v after %d steps (call counted %d)", *adv.Divergence, m.State().Steps, adv.Steps)
	}
	if again := sim.Advance(nil, m, 2e4, 0); again.Outcome != sim.Diverged || again.Steps != 0 {
		t.Errorf("advancing a diverged run: %+v; want diverged in 0 steps", again)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fresh := newMethod(t, sim.SGD, p, 0.1, 0.01, 1)
	adv = sim.Advance(ctx, fresh, 1, 10)
	if adv.Outcome != sim.Cancelled || !errors.Is(adv.Err, context.Canceled) || fresh.State().Steps != 0 {
		t.Errorf("cancelled: %+v after %d steps; want cancelled, no step", adv, fresh.State().Steps)
	}
	names := map[string]bool{}
	for _, o := range []sim.Outcome{sim.Reached, sim.StepCapped, sim.Diverged, sim.Cancelled, sim.Failed} {
		names[o.String()] = true
	}
	if len(names) != 5 {
		t.Errorf("outcome names %v are not five distinct names", names)
	}
}
