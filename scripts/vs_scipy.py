#!/usr/bin/env python3
"""Basis pursuit, min ‖β‖₁ subject to Xβ = y (theory.md §7), solved by scipy's
HiGHS LP and by sgdbias's min-ℓ₁ solver on the same X and y: by default
(n, d) = (400, 4000) with an s = 100 Gaussian β*, where the minimum-ℓ₁
interpolator is not β* and has n nonzero entries.

    python3 scripts/vs_scipy.py                # builds sgdbias with go build
    python3 scripts/vs_scipy.py ./sgdbias      # or uses the given binary
    N=200 D=2000 S=50 REPEAT=1 python3 scripts/vs_scipy.py

The problem is written once by `sgdbias data` and read back by both sides.
HiGHS gets the standard LP split β = u − v, u, v ≥ 0 (min 1ᵀ(u + v) subject
to X(u − v) = y) through scipy.optimize.linprog(method='highs'); only the
linprog call is timed. sgdbias has no command that solves min-ℓ₁ alone, so
its time is taken two ways:

  min-ℓ₁ alone   `go test -bench BenchmarkMinL1File ./sim/theory` with
                 SGDBIAS_PROBLEM naming the file (needs the Go toolchain and
                 the source tree; the solve only, not the file load);
  run            `sgdbias run --data FILE --algo gd --steps 1 --predict never`
                 with its references (GF limit, min-ℓ₁ and min-ℓ₂) minus the
                 same run with --no-references: all three solves.

Each is repeated REPEAT times (default 3), interleaved, and the fastest wall
time is kept; CPU seconds (user + system, all threads) are shown beside it,
since wall time on a shared machine depends on the load, printed first. The
CPU seconds of sgdbias's rows are those of its processes minus those of a run
that only loads the file and takes one GD step (--no-references), so they
count the solves and a little process overhead.
Both sides' ‖β‖₁ must agree to 1e-6 relative, else the script exits 1.
Exits 0 with a message when numpy or scipy is not installed.
"""
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
    import scipy
    from scipy.optimize import linprog
except ImportError as err:
    print(f"vs_scipy: {err.name} is not installed; skipping (Debian: apt-get install python3-numpy python3-scipy)")
    sys.exit(0)

N = int(os.environ.get("N", "400"))
D = int(os.environ.get("D", "4000"))
S = int(os.environ.get("S", "100"))
SEED = int(os.environ.get("SEED", "1"))
REPEAT = max(1, int(os.environ.get("REPEAT", "3")))
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed_child(cmd, **kw):
    """Runs cmd; returns (stdout, wall seconds, CPU seconds of the child)."""
    cpu0, t0 = children_cpu(), time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout
    return out, time.perf_counter() - t0, children_cpu() - cpu0


def highs(X, y):
    d = X.shape[1]
    A = np.hstack([X, -X])
    cpu0, t0 = time.process_time(), time.perf_counter()
    res = linprog(np.ones(2 * d), A_eq=A, b_eq=y, bounds=(0, None), method="highs")
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    if res.status != 0:
        sys.exit(f"vs_scipy: HiGHS failed: {res.message}")
    beta = res.x[:d] - res.x[d:]
    return np.abs(beta).sum(), wall, cpu


def build_bench(tmp):
    """Compiles the sim/theory test binary; None without the Go toolchain."""
    exe = os.path.join(tmp, "theory.test")
    try:
        subprocess.run(["go", "test", "-c", "-o", exe, "./sim/theory/"], cwd=ROOT, check=True,
                       capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return exe


def bench_min_l1(exe, path):
    """The min-ℓ₁ solve alone, through BenchmarkMinL1File: its ns/op, and
    the CPU time of the whole benchmark process (the file load included)."""
    env = dict(os.environ, SGDBIAS_PROBLEM=path)
    out, _, cpu = timed_child([exe, "-test.run", "^$", "-test.bench", "BenchmarkMinL1File$",
                               "-test.benchtime", "1x", "-test.count", "1"], env=env)
    ns = re.search(r"BenchmarkMinL1File\S*\s+\d+\s+(\d+) ns/op", out)
    l1 = re.search(r"l1_norm (\S+) certified (\S+)", out)
    if not ns or not l1:
        sys.exit("vs_scipy: BenchmarkMinL1File gave no result:\n" + out)
    return float(l1.group(1)), float(ns.group(1)) * 1e-9, cpu, l1.group(2) == "true"


def run_references(binary, path, with_refs):
    cmd = [binary, "run", "--data", path, "--algo", "gd", "--steps", "1", "--predict", "never",
           "--format", "json", "--quiet", "--no-timing"]
    if not with_refs:
        cmd.append("--no-references")
    out, wall, cpu = timed_child(cmd)
    refs = json.loads(out).get("references") or {}
    l1min = refs.get("l1_min") or {}
    return l1min.get("l1_norm"), l1min.get("certified"), wall, cpu


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else None
    tmp = tempfile.mkdtemp()
    if binary is None:
        binary = os.path.join(tmp, "sgdbias")
        subprocess.run(["go", "build", "-o", binary, "."], cwd=ROOT, check=True)
    path = os.path.join(tmp, "problem.json")
    subprocess.run([binary, "data", "--n", str(N), "--d", str(D), "--s", str(S), "--beta-star", "gauss",
                    "--seed", str(SEED), "--out", path], check=True, capture_output=True)
    with open(path) as f:
        p = json.load(f)
    X, y = np.array(p["X"], dtype=float), np.array(p["y"], dtype=float)

    best = {}

    def keep(name, l1, wall, cpu):
        if name not in best or wall < best[name][1]:
            best[name] = (l1, wall, cpu)

    exe = build_bench(tmp)
    for _ in range(REPEAT):
        keep("scipy HiGHS LP", *highs(X, y))
        _, _, wall_none, cpu_none = run_references(binary, path, False)
        if exe is not None:
            l1, wall, cpu, certified = bench_min_l1(exe, path)
            if not certified:
                sys.exit("vs_scipy: sgdbias's min-ℓ₁ solution is not certified")
            keep("sgdbias min-ℓ₁ alone", l1, wall, cpu - cpu_none)
        l1, certified, wall_refs, cpu_refs = run_references(binary, path, True)
        if l1 is None or not certified:
            sys.exit("vs_scipy: sgdbias run gave no certified min-ℓ₁ reference")
        keep("sgdbias run, 3 references", l1, wall_refs - wall_none, cpu_refs - cpu_none)

    load = os.getloadavg()
    print(f"basis pursuit at (n, d) = ({N}, {D}), s = {S}, Gaussian β*, seed {SEED}; "
          f"numpy {np.__version__}, scipy {scipy.__version__}; best of {REPEAT}; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'solver':<28} {'‖β‖₁':>20} {'wall s':>9} {'CPU s':>9} {'HiGHS / it':>11}")
    ref_l1, ref_wall = best["scipy HiGHS LP"][0], best["scipy HiGHS LP"][1]
    failed = False
    for name, (l1, wall, cpu) in best.items():
        print(f"{name:<28} {l1:>20.12f} {wall:>9.2f} {cpu:>9.2f} {ref_wall / wall:>10.2f}×")
        if abs(l1 - ref_l1) > 1e-6 * abs(ref_l1):
            print(f"vs_scipy: {name}: ‖β‖₁ differs from HiGHS by {abs(l1 - ref_l1) / abs(ref_l1):.2g} relative")
            failed = True
    if "sgdbias min-ℓ₁ alone" not in best:
        print("(the min-ℓ₁-alone row needs the Go toolchain and the source tree)")
    for name in os.listdir(tmp):
        os.remove(os.path.join(tmp, name))
    os.rmdir(tmp)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
