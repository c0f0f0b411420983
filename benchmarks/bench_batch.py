"""Batch throughput: grade N copies of a correct submission with --jobs 1 and 2, against single `grade` runs.

Run: python benchmarks/bench_batch.py [--learners 100] [--exercise exercise-2]
Every figure is wall time of a real `grade` process (interpreter start included), as a teacher would see it.
"""

from __future__ import annotations

import argparse
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


def run(*args: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(REPO), CNN_GRADER_WORKSPACE=tempfile.mkdtemp(prefix="bench-ws-"))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "grader", *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"`grade {' '.join(args)}` exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--exercise", default="exercise-2", choices=sorted(MODULES))
    parser.add_argument("--singles", type=int, default=5, help="single runs to take the median of")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    source = reference_source(*MODULES[args.exercise])
    (work / "subs").mkdir()
    for index in range(args.learners):
        (work / "subs" / f"learner{index:04d}.py").write_text(source)
    one = work / "one.py"
    one.write_text(source)
    single = statistics.median(run(args.exercise, "--submission", str(one), "--json", str(work / "r.json"),
                                   "--html", str(work / "r.html")) for _ in range(args.singles))
    print(f"single `grade {args.exercise}` run: {single:.2f} s (median of {args.singles})")
    walls = {}
    for jobs in (1, 2):
        walls[jobs] = run("batch", str(work / "subs"), "--exercise", args.exercise, "--out",
                          str(work / f"out{jobs}"), "--jobs", str(jobs))
        per = walls[jobs] / args.learners
        print(f"batch --jobs {jobs}: {walls[jobs]:.1f} s for {args.learners} learners = "
              f"{args.learners / walls[jobs]:.2f} learners/s, {per:.3f} s per learner "
              f"({per / single:.2f} of a single run)")
    print(f"speed-up with 2 jobs: {walls[1] / walls[2]:.2f}x (goal >= 1.7); per-learner cost with 1 job: "
          f"{walls[1] / args.learners / single:.2f} of a single run (goal <= 0.5)")


if __name__ == "__main__":
    main()
