package sweep

import (
	"context"
	"math"
	"testing"

	"sgdbias/sim"
)

// GF's looser tolerance in a sweep changes no statistic beyond the digits
// printed: on the paper sweep over α from 1e-3 to 1 (GF converges at some α
// and stops at the horizon at others), every record's test error, ‖β‖₁ and
// distance to min-ℓ₁ agree with the default 1e-12 tolerance to 1e-4
// relative (the table prints three digits; a converged run stops at the
// first check with a loss ≤ tol, and the two may stop one check apart), and
// the time to converge to the spacing of the loss checks.
func TestSweepGFTolerance(t *testing.T) {
	c := paperConfig(t, "log:1e-3:1:4", 2)
	c.Algos = []sim.Algo{sim.GF}
	loose, err := Run(context.Background(), c, Options{Workers: 1, NoTiming: true})
	if err != nil {
		t.Fatal(err)
	}
	c.gfTol = sim.DefaultGFTolerance
	tight, err := Run(context.Background(), c, Options{Workers: 1, NoTiming: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(loose.Records) != len(tight.Records) || len(loose.Records) == 0 {
		t.Fatalf("%d records against %d", len(loose.Records), len(tight.Records))
	}
	converged := 0
	for i, l := range loose.Records {
		w := tight.Records[i]
		for _, m := range []struct {
			name string
			a, b *float64
		}{{"test error", l.TestError, w.TestError}, {"‖β‖₁", l.L1Norm, w.L1Norm}, {"distance to min-ℓ₁", l.L1Distance, w.L1Distance}} {
			if m.a == nil || m.b == nil || math.Abs(*m.a-*m.b) > 1e-4*math.Abs(*m.b) {
				t.Errorf("job %d: %s %v at 1e-9, %v at 1e-12", l.Job, m.name, deref(m.a), deref(m.b))
			}
		}
		if l.Converged != w.Converged || math.Abs(l.Time-w.Time) > 2*checkFraction*w.Time {
			t.Errorf("job %d: converged %v at t %v at 1e-9, %v at t %v at 1e-12", l.Job, l.Converged, l.Time, w.Converged, w.Time)
		}
		if l.Converged {
			converged++
		}
	}
	if converged == 0 || converged == len(loose.Records) {
		t.Errorf("%d of %d runs converged: the check wants both kinds", converged, len(loose.Records))
	}
}

// GF checked at its own steps (with the step that first reaches tol taken
// again in chunks) keeps the records of GF checked at chunk ends 1% of the
// time apart: the same runs converge, at times within the chunks' spacing,
// the end metrics agree to 1e-4 relative, and the jump error, whose
// crossings are now placed between GF's own steps, within 2% of itself.
func TestSweepGFOwnSteps(t *testing.T) {
	c := paperConfig(t, "log:1e-3:1:7", 2)
	c.Algos = []sim.Algo{sim.GF}
	own, err := Run(context.Background(), c, Options{Workers: 1, NoTiming: true})
	if err != nil {
		t.Fatal(err)
	}
	gfOwnSteps = false
	defer func() { gfOwnSteps = true }()
	chunked, err := Run(context.Background(), c, Options{Workers: 1, NoTiming: true})
	if err != nil {
		t.Fatal(err)
	}
	converged, jumps := 0, 0
	for i, o := range own.Records {
		w := chunked.Records[i]
		for _, m := range []struct {
			name string
			a, b *float64
			tol  float64
		}{{"test error", o.TestError, w.TestError, 1e-4}, {"‖β‖₁", o.L1Norm, w.L1Norm, 1e-4},
			{"distance to min-ℓ₁", o.L1Distance, w.L1Distance, 1e-4}, {"jump error", o.JumpError, w.JumpError, 0.02}} {
			if (m.a == nil) != (m.b == nil) || m.a != nil && math.Abs(*m.a-*m.b) > m.tol*math.Abs(*m.b) {
				t.Errorf("job %d: %s %v at GF's steps, %v in chunks", o.Job, m.name, deref(m.a), deref(m.b))
			}
		}
		if o.Converged != w.Converged || math.Abs(o.Time-w.Time) > 2*checkFraction*w.Time {
			t.Errorf("job %d: converged %v at t %v at GF's steps, %v at t %v in chunks", o.Job, o.Converged, o.Time, w.Converged, w.Time)
		}
		if o.Converged {
			converged++
		}
		if o.JumpError != nil {
			jumps++
		}
	}
	if converged == 0 || converged == len(own.Records) || jumps == 0 {
		t.Errorf("%d of %d runs converged, %d have a jump error: the check wants both kinds and jumps", converged, len(own.Records), jumps)
	}
}
