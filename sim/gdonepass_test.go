package sim_test

import (
	"testing"

	"sgdbias/sim"
)

// The engine's checks of GD (§8 checks 1, 2 and 9: the product of gains
// |w₊w₋| = α²Π|1 − x_j²|, the exact first step, the exact rescaling) hold
// on the one-pass step too, on one core and on two: their problems are
// below the size thresholds, so the step is forced.
func TestGDChecksOnOnePassStep(t *testing.T) {
	for _, twoCores := range []bool{false, true} {
		name := map[bool]string{false: "one core", true: "two cores"}[twoCores]
		t.Run(name, func(t *testing.T) {
			defer sim.ForceGDOnePass(twoCores)()
			m := newMethod(t, sim.GD, sparseProblem(t, 10, 30, 2, 3), 0.1, 0.01, 0)
			if got := sim.GDStepOf(m); got != map[bool]sim.GDStepKind{false: sim.GDOnePass, true: sim.GDOnePassSplit}[twoCores] {
				t.Fatalf("forcing the one-pass step gave step kind %d", got)
			}
			t.Run("product of gains", TestGDProductOfGains)
			t.Run("first step", TestFirstGDStep)
			t.Run("rescaling", TestRescalingScalesBeta)
		})
	}
}
