package cli

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"sgdbias/sim"
)

// Memory model of a headless run, fitted to peak resident sizes measured
// with /usr/bin/time on generated problems (GD at n = 1…10, d = 5e6 and
// n = 1, d = 5e7, within 5% of each): the runtime's base, X, and per
// algorithm its state (sim.MethodBytes). A generated β* is sparse and its
// zero pages are never written, so only a loaded one counts. The reference
// solves keep the terms fitted before: their vectors, per entry of X and
// per coordinate. The JSON report keeps ln α_t per coordinate for each run
// (its vectors are written out as they are formatted, not encoded whole).
const (
	memBase        = 16 << 20 // bytes
	memPerEntry    = 8        // bytes per entry of X
	memPerCoord    = 8        // bytes per coordinate of a loaded β*
	memRefsEntry   = 12       // bytes per entry of X for the reference solves
	memRefsCoord   = 114      // bytes per coordinate for the reference solves
	memLoadPerByte = 0.4      // bytes of X per byte of a file written at full precision
	memLoadSlack   = 32 << 20 // the loader's chunks and buffers beyond X
)

// runMemory estimates the peak memory of running algos on an n×d problem,
// with a loaded β* (denseBetaStar), the reference solves, and reportVectors
// more vectors of length d kept for the report.
func runMemory(n, d float64, algos []sim.Algo, denseBetaStar, references bool, reportVectors int) float64 {
	need := memBase + memPerEntry*n*d
	if denseBetaStar {
		need += memPerCoord * d
	}
	for _, a := range algos {
		need += sim.MethodBytes(a, int(n), int(d))
	}
	if references {
		need += memRefsEntry*n*d + memRefsCoord*d + 64*n*n
	}
	return need + 8*float64(reportVectors)*d
}

// loadMemory estimates the peak memory of loading a problem file of size
// bytes: X, about 8 bytes for the ~20 characters of each number written at
// full precision, and the loader's fixed buffers.
func loadMemory(size float64) float64 {
	return memBase + memLoadSlack + memLoadPerByte*size
}

// memoryAvailable is the memory this process may still use: the smaller of
// the cgroup's limit less its usage (containers) and MemAvailable.
func memoryAvailable() (bytes float64, where string, ok bool) {
	bytes = math.Inf(1)
	if limit, ok := readNumber("/sys/fs/cgroup/memory.max"); ok {
		used, _ := readNumber("/sys/fs/cgroup/memory.current")
		bytes, where = limit-used, "the container's memory limit less its use"
	} else if limit, ok := readNumber("/sys/fs/cgroup/memory/memory.limit_in_bytes"); ok && limit < 1<<60 {
		used, _ := readNumber("/sys/fs/cgroup/memory/memory.usage_in_bytes")
		bytes, where = limit-used, "the container's memory limit less its use"
	}
	if avail, ok := memInfoAvailable(); ok && avail < bytes {
		bytes, where = avail, "MemAvailable in /proc/meminfo"
	}
	return bytes, where, !math.IsInf(bytes, 1)
}

// readNumber reads a file holding one number ("max" is not one).
func readNumber(path string) (float64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
	return v, err == nil
}

func memInfoAvailable() (float64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb * 1024, err == nil
		}
	}
	return 0, false
}

// memoryCheck refuses a job whose estimate does not fit in what is
// available; available is a parameter so that tests can fix it.
func memoryCheck(need float64, what string, available func() (float64, string, bool)) error {
	avail, where, ok := available()
	if !ok || need <= avail {
		return nil
	}
	return fmt.Errorf("%s needs about %s of memory, but only %s are available (%s); use a smaller problem, fewer algorithms or --no-references",
		what, formatBytes(need), formatBytes(max(avail, 0)), where)
}

func formatBytes(b float64) string {
	switch {
	case b >= 1e9:
		return fmt.Sprintf("%.1f GB", b/1e9)
	case b >= 1e6:
		return fmt.Sprintf("%.0f MB", b/1e6)
	}
	return fmt.Sprintf("%.0f kB", b/1e3)
}

// fileSize is the size of a regular file, or 0 when unknown (stdin, FIFO).
func fileSize(path string) float64 {
	if path == "-" {
		return 0
	}
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() {
		return 0
	}
	return float64(info.Size())
}

// maxStepsPerRun bounds the steps of a discrete method, T/γ as --steps.
const maxStepsPerRun = 1e13

// workThreshold is the estimated duration above which a job says how long
// it will take before starting.
const workThreshold = 30 * time.Second

// stepWork is a step's multiply-adds for algorithm a: full-batch methods
// touch X twice (Xβ and Xᵀr), minibatch ones b rows twice.
func stepWork(a sim.Algo, n, d float64, p sim.Params) float64 {
	switch a.Base() {
	case sim.SGD, sim.LNSGD:
		return 2*float64(p.Batch)*d + 4*d
	}
	return 2*n*d + 4*d
}

// checkWork bounds each discrete method's steps, T/γ, and returns a line
// estimating the work when it is long (empty otherwise). GF is left out:
// its adaptive steps are not set by γ.
func checkWork(h sim.Horizon, cfg sim.Config, n, d int) (string, error) {
	var total float64
	for _, a := range cfg.Algos {
		if a.Base() == sim.GF {
			continue
		}
		params := a.Pinned(cfg.Params)
		dt := sim.TimePerStep(a, params)
		steps := float64(h.Steps)
		if t := h.Time / dt; h.Time > 0 && (steps == 0 || t < steps) {
			steps = t
		}
		if !(steps <= maxStepsPerRun) {
			return "", fmt.Errorf("--time: %s runs T/γ = %.3g steps; allowed up to %.0e (a shorter --time, a larger --step, or --steps)", a, steps, maxStepsPerRun)
		}
		total += steps * stepWork(a, float64(n), float64(d), params)
	}
	seconds := total / multiplyAddsPerSecond
	if seconds < workThreshold.Seconds() {
		return "", nil
	}
	wall := time.Duration(math.MaxInt64)
	if seconds < float64(math.MaxInt64/int64(time.Second)) {
		wall = time.Duration(seconds * float64(time.Second))
	}
	return fmt.Sprintf("about %.2g multiply-adds, at most ≈ %s; Ctrl+C stops and keeps the runs that finished",
		total, roughDuration(wall)), nil
}

// announce prints a one-line work estimate on w when there is one.
func announce(w io.Writer, cmd, estimate string) {
	if estimate != "" {
		fmt.Fprintf(w, "%s: %s\n", cmd, estimate)
	}
}
