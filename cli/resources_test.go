package cli

import (
	"strings"
	"testing"

	"sgdbias/sim"
)

// The estimate is within 5% of the peak resident sizes measured with
// /usr/bin/time -v on `sgdbias run --algo gd --steps 1 --predict never`
// (and a load of a file written by `sgdbias data`).
func TestMemoryModelMatchesMeasuredPeaks(t *testing.T) {
	gd := []sim.Algo{sim.GD}
	for _, c := range []struct {
		what     string
		estimate float64
		measured float64 // bytes
	}{
		{"n = 1, d = 5e7", runMemory(1, 5e7, gd, false, false, 0), 1713784 * 1024},
		{"n = 1, d = 5e6", runMemory(1, 5e6, gd, false, false, 0), 250520 * 1024},
		{"n = 10, d = 5e6", runMemory(10, 5e6, gd, false, false, 0), 536644 * 1024},
		{"n = 20, d = 1e6", runMemory(20, 1e6, gd, false, false, 0), 382788 * 1024},
		{"n = 1, d = 5e6 with references", runMemory(1, 5e6, gd, false, true, 0), 878012 * 1024},
		{"n = 20, d = 1e6 with references", runMemory(20, 1e6, gd, false, true, 0), 727804 * 1024},
		{"n = 1, d = 5e6, JSON report", runMemory(1, 5e6, gd, false, false, 1), 289584 * 1024},
		{"loading a 206.6 MB JSON file", loadMemory(206614922), 126152 * 1024},
		{"loading a 197.0 MB CSV file", loadMemory(197003077), 120656 * 1024},
	} {
		if r := c.estimate / c.measured; r < 0.95 || r > 1.05 {
			t.Errorf("%s: estimate %.4g, measured %.4g (ratio %.3f)", c.what, c.estimate, c.measured, r)
		}
	}
}

// A job that does not fit is refused with the estimate and what is
// available, before anything is allocated.
func TestMemoryCheck(t *testing.T) {
	avail := func() (float64, string, bool) { return 1e9, "the container's memory limit less its use", true }
	need := runMemory(1, 5e7, []sim.Algo{sim.GD}, false, false, 0)
	err := memoryCheck(need, "n = 1, d = 50000000 with 1 algorithm", avail)
	if err == nil || !strings.Contains(err.Error(), "needs about 1.8 GB of memory, but only 1.0 GB are available (the container's memory limit less its use)") {
		t.Errorf("got %v", err)
	}
	if err := memoryCheck(runMemory(40, 100, sim.CoreAlgos, false, true, 0), "small", avail); err != nil {
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
