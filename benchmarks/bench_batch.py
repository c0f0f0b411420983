"""Batch throughput: grade N copies of a correct submission with --jobs 1 and 2, against single `grade` runs.

Run: python benchmarks/bench_batch.py [--learners 100] [--rounds 2] [--singles 3] [--exercise exercise-2]
                                     [--sandbox standard|strict|both]
Every figure is wall time of a real `grade` process (interpreter start included), as a teacher would see it.
The three configurations alternate within each round (in a rotating order), so a burst of load on a shared
machine hits them alike; each figure is the median over the rounds. Each round also measures the machine's own
parallel ceiling (two CPU-bound processes at once vs one after the other), which bounds the --jobs 2 speed-up. With `--sandbox both` the configurations
of the two modes alternate in one run, and the ratios strict/standard are printed too.
"""

from __future__ import annotations

import argparse
import re
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from conftest import reference_source  # noqa: E402 - the references pasted into one learner file

MODULES = {"exercise-1": ("conv",), "exercise-2": ("conv",), "exercise-3": ("pool",), "exercise-4": ("shape",)}


SPEEDUP_GOAL, COST_GOAL, MEMORY_GOAL = 1.8, 0.15, 150  # issue 18: --jobs 2 vs 1; a learner vs a single run; MiB
PEAKS: list[float] = []  # what each batch says about its grading processes' peak memory


def run(*args: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(REPO), CNN_GRADER_WORKSPACE=tempfile.mkdtemp(prefix="bench-ws-"))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "grader", *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"`grade {' '.join(args)}` exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    found = re.search(r"each grading process peaked at (\d+) MiB", done.stdout)
    if found:
        PEAKS.append(float(found.group(1)))
    return seconds


SPIN = "import time\nstarted = time.perf_counter()\ntotal = 0\nfor i in range(4_000_000):\n    total += i\n"


def parallel_ceiling() -> float:
    """What two CPU-bound processes gain from running at once on this machine, now: the time of two pure-Python
    loops run one after the other over their time run together. 2.0 on two idle cores; less when the cores share
    a physical core or another tenant's load. The speed-up of --jobs 2 cannot exceed it."""
    def run(count: int) -> float:
        started = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(count)]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - started
    return 2 * run(1) / run(2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--exercise", default="exercise-2", choices=sorted(MODULES))
    parser.add_argument("--rounds", type=int, default=2, help="rounds of (singles, --jobs 1, --jobs 2)")
    parser.add_argument("--singles", type=int, default=3, help="single runs per round")
    parser.add_argument("--sandbox", choices=("standard", "strict", "both"), default="standard",
                        help="the sandbox to grade in; both: the two alternate in one run (default standard)")
    args = parser.parse_args()
    modes = ["standard", "strict"] if args.sandbox == "both" else [args.sandbox]
    for package in ("grader", "solutions"):  # as `pip install` does; a checkout may set PYTHONDONTWRITEBYTECODE
        compileall.compile_dir(str(REPO / package), quiet=1)
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    source = reference_source(*MODULES[args.exercise])
    (work / "subs").mkdir()
    for index in range(args.learners):
        (work / "subs" / f"learner{index:04d}.py").write_text(source)
    one = work / "one.py"
    one.write_text(source)

    def single(mode: str) -> float:
        return run(args.exercise, "--submission", str(one), "--json", str(work / "r.json"), "--html",
                   str(work / "r.html"), "--sandbox", mode)

    def batch(mode: str, jobs: int, round_: int) -> float:
        return run("batch", str(work / "subs"), "--exercise", args.exercise, "--out",
                   str(work / f"out-{mode}-{jobs}-{round_}"), "--jobs", str(jobs), "--sandbox", mode)

    for mode in modes:
        single(mode)  # warm-up, not counted
    configs = [(mode, kind) for mode in modes for kind in ("single", "jobs 1", "jobs 2")]
    times: dict[tuple, list[float]] = {config: [] for config in configs}
    ceilings: list[float] = []
    for round_ in range(args.rounds):
        ceilings.append(parallel_ceiling())
        print(f"  round {round_ + 1} the machine's parallel ceiling: {ceilings[-1]:.2f}x", flush=True)
        for mode, kind in configs[round_ % len(configs):] + configs[:round_ % len(configs)]:
            if kind == "single":
                times[mode, kind] += [single(mode) for _ in range(args.singles)]
            else:
                times[mode, kind].append(batch(mode, int(kind[-1]), round_))
            print(f"  round {round_ + 1} {mode} {kind}: {times[mode, kind][-1]:.2f} s", flush=True)
    medians = {config: statistics.median(values) for config, values in times.items()}
    for mode in modes:
        one_run = medians[mode, "single"]
        print(f"--sandbox {mode}: single `grade {args.exercise}` run: {one_run:.2f} s "
              f"(median of {len(times[mode, 'single'])})")
        for jobs in (1, 2):
            wall = medians[mode, f"jobs {jobs}"]
            per = wall / args.learners
            print(f"  batch --jobs {jobs}: {wall:.1f} s for {args.learners} learners = {args.learners / wall:.2f} "
                  f"learners/s, {per:.3f} s per learner ({per / one_run:.2f} of a single run)")
        speedup = medians[mode, "jobs 1"] / medians[mode, "jobs 2"]
        cost = medians[mode, "jobs 1"] / args.learners / one_run
        print(f"  speed-up with 2 jobs: {speedup:.2f}x (goal >= {SPEEDUP_GOAL}: "
              f"{'met' if speedup >= SPEEDUP_GOAL else 'MISSED'}; the machine's parallel ceiling in this run, median "
              f"of {len(ceilings)}: {statistics.median(ceilings):.2f}x); per-learner cost with 1 job: {cost:.2f} of "
              f"a single run (goal <= {COST_GOAL}: {'met' if cost <= COST_GOAL else 'MISSED'})")
        per_learner = medians[mode, "jobs 2"] / args.learners
        print(f"  1,000 learners with --jobs 2, extrapolated from {args.learners}: "
              f"{1000 * per_learner / 60:.1f} min")
    if len(modes) == 2:
        print("strict/standard: " + ", ".join(f"{kind} {medians['strict', kind] / medians['standard', kind]:.2f}"
                                              for kind in ("single", "jobs 1", "jobs 2")))
    if PEAKS:
        print(f"peak memory of a grading process, largest over every batch: {max(PEAKS):.0f} MiB "
              f"(goal <= {MEMORY_GOAL}: {'met' if max(PEAKS) <= MEMORY_GOAL else 'MISSED'})")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
