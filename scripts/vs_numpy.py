#!/usr/bin/env python3
"""Side-by-side speed of sgdbias and a plain numpy implementation of the same
updates (theory.md §2: w± ← w±(1 ∓ γg), β = w₊² − w₋²), GD and SGD with
batch 1, on Gaussian data of the same sizes.

    python3 scripts/vs_numpy.py            # builds sgdbias with go build
    python3 scripts/vs_numpy.py ./sgdbias  # or uses the given binary
    STEPS_SCALE=0.2 python3 scripts/vs_numpy.py   # shorter runs
    REPEATS=5 python3 scripts/vs_numpy.py         # more pairs (default 3)

sgdbias's figure is its steps_per_second (wall time inside the step loop,
from `sgdbias run --format json`); numpy's is timed the same way, around its
step loop only. Both draw their own data: the step cost does not depend on
the values. Each size is measured REPEATS times, the two sides alternating,
so that both see the same load; the table gives the best rate of each side
(the run least disturbed by other processes) and the range of the ratios of
the pairs, with the load average before and after. The CPU ratio compares
CPU time rather than wall time, which other processes on the machine
distort less: sgdbias's is the CPU time of a whole process with two metric
samples (start and end) less that of the same run of one step (start-up
and data); numpy's is that of its step loop. It reads "(too short)" when
that difference is under 50 ms, within the noise of start-up. Exits 0 with
a message when numpy is not installed.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
except ImportError:
    print("vs_numpy: numpy is not installed; skipping (Debian: apt-get install python3-numpy)")
    sys.exit(0)

SIZES = [(40, 100), (400, 4000)]
STEP = 1e-4
ALPHA = 0.1
SCALE = float(os.environ.get("STEPS_SCALE", "1"))
REPEATS = max(1, int(os.environ.get("REPEATS", "3")))


def steps_for(algo, n, d):
    """Enough steps for a fraction of a second of numpy work: numpy's GD step
    costs less per entry of X at (400, 4000) than at (40, 100), so GD takes
    at least 2000 steps, enough that neither the 200 samples of the run
    (the first tens of them one step apart) nor the start of the step loop
    weigh on the rate."""
    base = {"gd": 2e8, "sgd": 3e7}[algo] / (n * d if algo == "gd" else d)
    least = 2000 if algo == "gd" else 100
    return max(1, int(max(least, base) * SCALE))


def numpy_rate(algo, n, d, steps, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    beta_star = np.zeros(d)
    beta_star[:5] = rng.standard_normal(5)
    y = X @ beta_star
    wp = np.full(d, ALPHA)
    wm = np.full(d, ALPHA)
    beta = np.zeros(d)
    idx = rng.integers(0, n, size=steps)
    start, cpu0 = time.perf_counter(), time.process_time()
    if algo == "gd":
        for _ in range(steps):
            r = X @ beta - y
            g = X.T @ r / n
            wp *= 1 - STEP * g
            wm *= 1 + STEP * g
            beta = wp * wp - wm * wm
    else:
        for k in range(steps):
            i = idx[k]
            x = X[i]
            g = (x @ beta - y[i]) * x
            wp *= 1 - STEP * g
            wm *= 1 + STEP * g
            beta = wp * wp - wm * wm
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
    return steps / wall, steps / cpu


def sgdbias_rate(binary, algo, n, d, steps, samples=200):
    """The run's steps_per_second, and the CPU time of the whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    batch = ["--batch", "1"] if algo == "sgd" else []  # run refuses a flag its algorithm does not read
    out = subprocess.run(
        [binary, "run", "--n", str(n), "--d", str(d), "--s", "5", "--algo", algo,
         "--alpha", str(ALPHA), "--step", str(STEP), *batch, "--steps", str(steps), "--samples", str(samples),
         "--no-references", "--predict", "never", "--format", "json", "--quiet"],
        check=True, capture_output=True, text=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(out)["runs"][0]["steps_per_second"], cpu


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else None
    tmp = None
    if binary is None:
        tmp = tempfile.mkdtemp()
        binary = os.path.join(tmp, "sgdbias")
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
        subprocess.run(["go", "build", "-o", binary, "."], cwd=root, check=True)
    print(f"numpy {np.__version__}; step γ = {STEP}, α = {ALPHA}; best of {REPEATS} alternating pairs")
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'algo':<5} {'(n, d)':>12} {'steps':>9} {'numpy steps/s':>14} {'sgdbias steps/s':>16} {'ratio':>7}"
          f"  {'pairs':>12}  {'CPU ratio':>9}")
    for algo in ("gd", "sgd"):
        for n, d in SIZES:
            steps = steps_for(algo, n, d)
            ours, theirs, ours_cpu, theirs_cpu, setup_cpu = [], [], [], [], []
            for _ in range(REPEATS):
                ours.append(sgdbias_rate(binary, algo, n, d, steps)[0])
                ours_cpu.append(sgdbias_rate(binary, algo, n, d, steps, samples=2)[1])
                setup_cpu.append(sgdbias_rate(binary, algo, n, d, 1, samples=2)[1])
                wall, cpu = numpy_rate(algo, n, d, steps)
                theirs.append(wall)
                theirs_cpu.append(cpu)
            ratios = [o / t for o, t in zip(ours, theirs)]
            best = max(ours) / max(theirs)
            # CPU time of the steps: the run's less the same run of 1 step
            # (start-up and data), both at their least.
            # Below 50 ms the difference is within the noise of start-up.
            step_cpu = min(ours_cpu) - min(setup_cpu)
            cpu_ratio = f"{(steps - 1) / step_cpu / max(theirs_cpu):.3g}×" if step_cpu >= 0.05 else "(too short)"
            pairs = f"{min(ratios):.3g}–{max(ratios):.3g}×"
            print(f"{algo:<5} {f'({n}, {d})':>12} {steps:>9} {max(theirs):>14.4g} {max(ours):>16.4g} "
                  f"{best:>6.2f}×  {pairs:>12}  {cpu_ratio:>9}")
    print(f"load average {os.getloadavg()[0]:.2f}")
    if tmp:
        os.remove(binary)
        os.rmdir(tmp)


if __name__ == "__main__":
    main()
