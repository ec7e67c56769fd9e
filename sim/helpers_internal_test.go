package sim

import "testing"

// mustStep takes k steps of m.
func mustStep(t *testing.T, m Method, k int) {
	t.Helper()
	for range k {
		if err := m.Step(); err != nil {
			t.Fatal(err)
		}
	}
}

// mustAdvanceTo advances m to time t.
func mustAdvanceTo(t *testing.T, m Method, time float64) {
	t.Helper()
	if err := m.AdvanceTo(time); err != nil {
		t.Fatal(err)
	}
}

// resetRepeatsRun runs m for 100 steps, resets it and runs it again, and
// returns how far the second run's β is from the first's (relative).
func resetRepeatsRun(t *testing.T, m Method) float64 {
	t.Helper()
	mustStep(t, m, 100)
	first := append([]float64(nil), m.State().Beta...)
	m.Reset()
	mustStep(t, m, 100)
	return RelativeDistance(m.State().Beta, first)
}
