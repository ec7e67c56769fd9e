package live

import (
	"testing"

	"sgdbias/sim"
)

// A live change is labelled in the explorer's exponent style.
func TestDescribeChangeExponents(t *testing.T) {
	got := describeChange(sim.Params{Step: 0.08, Noise: 1e-5, Batch: 1}, sim.Params{Step: 1e308, Noise: 2.5e-12, Batch: 1})
	if want := "γ 0.08→1e308, noise 1e-5→2.5e-12"; got != want {
		t.Errorf("describeChange = %q, want %q", got, want)
	}
}
