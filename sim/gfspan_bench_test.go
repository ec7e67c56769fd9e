package sim

import (
	"fmt"
	"testing"

	"sgdbias/sim/problem"
)

// BenchmarkGFToHorizon runs GF from the initialisation to T = 500, as
// `sgdbias run --algo gf --time 500` does without its samples: "dopri5" is
// the Dormand–Prince 5(4) integrator of G that GF used before (kept in
// gf_legacy_test.go), "span" the integrator on c (DOP853, Rodas4 and the
// rest test). Each pair runs side by side in one process, so that the load
// of the machine falls on both alike. The old integrator is left out where
// it takes minutes (its steps are held at 3.3/λ_max with λ_max ≈ 4α²‖x‖²/n:
// 59377 steps, about 6 minutes, at n = 1, d = 1e4; millions at d = 1e6 or
// α = 50).
func BenchmarkGFToHorizon(b *testing.B) {
	cases := []struct {
		n, d, s int
		alpha   float64
		oldToo  bool
	}{
		{400, 4000, 5, 0.1, true},
		{1, 1000, 1, 0.1, true},
		{1, 10000, 1, 0.1, false},
		{1, 100000, 1, 0.1, false},
		{1, 1000000, 1, 0.1, false},
		{100, 1000, 5, 50, false},
	}
	for _, c := range cases {
		p, err := problem.Generate(problem.Spec{N: c.n, D: c.d, S: c.s, Beta: problem.BetaSpec{Kind: "pm1"},
			Features: problem.FeatureSpec{Kind: "iso"}, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		name := fmt.Sprintf("n=%d,d=%d,alpha=%g", c.n, c.d, c.alpha)
		if c.oldToo {
			b.Run("dopri5/"+name, func(b *testing.B) {
				benchGF(b, func() Method {
					m, err := newLegacyGF(p, UniformInit(c.alpha, p.D), Params{Step: 0.08, Batch: 1}, DefaultGFTolerance)
					if err != nil {
						b.Fatal(err)
					}
					return m
				})
			})
		}
		b.Run("span/"+name, func(b *testing.B) {
			benchGF(b, func() Method {
				m, err := NewGF(p, UniformInit(c.alpha, p.D), Params{Step: 0.08, Batch: 1}, DefaultGFTolerance)
				if err != nil {
					b.Fatal(err)
				}
				return m
			})
		})
	}
}

// benchGF times GF to T = 500 from a fresh method each time and reports its
// steps.
func benchGF(b *testing.B, newMethod func() Method) {
	b.ReportAllocs()
	var steps int64
	for b.Loop() {
		m := newMethod()
		if err := m.AdvanceTo(500); err != nil {
			b.Fatal(err)
		}
		steps = m.State().Steps
	}
	b.ReportMetric(float64(steps), "steps")
}
