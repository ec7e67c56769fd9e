package cli

import (
	"strings"
	"testing"

	"sgdbias/sim"
)

// A job that does not fit is refused with the estimate and what is
// available, before anything is allocated.
func TestMemoryCheck(t *testing.T) {
	avail := func() (float64, string, bool) { return 8e9, "the container's memory limit less its use", true }
	// n = 1, d = 5e7, one algorithm and the references: the reported 12 GB peak.
	need := runMemory(1, 5e7, []sim.Algo{sim.GD}, true)
	if need < 11.6e9 || need > 12.8e9 { // within 5%
		t.Errorf("estimate %.3g for the 12.2 GB case", need)
	}
	err := memoryCheck(need, "n = 1, d = 50000000 with 1 algorithm", avail)
	if err == nil || !strings.Contains(err.Error(), "needs about 12.4 GB of memory, but only 8.0 GB are available (the container's memory limit less its use)") {
		t.Errorf("got %v", err)
	}
	if err := memoryCheck(runMemory(40, 100, sim.CoreAlgos, true), "small", avail); err != nil {
		t.Errorf("a small problem refused: %v", err)
	}
	if err := memoryCheck(1e30, "unknown", func() (float64, string, bool) { return 0, "", false }); err != nil {
		t.Errorf("refused without knowing what is available: %v", err)
	}
	if b, _, ok := memoryAvailable(); ok && !(b > 0) {
		t.Errorf("memory available %v", b)
	}
}

// T/γ is bounded like --steps, and a long job gets a one-line estimate.
func TestCheckWork(t *testing.T) {
	cfg := sim.Config{Algos: []sim.Algo{sim.GD, sim.GF}, Params: sim.Params{Step: 1e-6, Batch: 1}}
	if _, err := checkWork(sim.Horizon{Time: 1e12}, cfg, 40, 100); err == nil || !strings.Contains(err.Error(), "T/γ = 1e+18 steps; allowed up to 1e+13") {
		t.Errorf("1e18 steps: %v", err)
	}
	line, err := checkWork(sim.Horizon{Time: 1e3}, cfg, 40, 100) // 1e9 GD steps of 8e3 multiply-adds
	if err != nil || !strings.Contains(line, "about 8.4e+12 multiply-adds") || strings.Contains(line, "\n") {
		t.Errorf("estimate %q, %v", line, err)
	}
	if line, err := checkWork(sim.Horizon{Steps: 100}, cfg, 40, 100); line != "" || err != nil {
		t.Errorf("a short job: %q %v", line, err)
	}
	// GF alone: its adaptive steps are not set by γ.
	if _, err := checkWork(sim.Horizon{Time: 1e12}, sim.Config{Algos: []sim.Algo{sim.GF}, Params: cfg.Params}, 40, 100); err != nil {
		t.Errorf("GF: %v", err)
	}
}
