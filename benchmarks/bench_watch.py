"""Time `grade watch exercise-2` from the moment the file is saved to the verdict being written, in one run.

Run: python benchmarks/bench_watch.py [--rounds N] [--notebook]   (in the grader's default sandbox)
A watch is started on a correct submission in a private workspace and left to grade it once (the cold start, printed
apart). Then each round saves the file (one comment line changed, so the code stays correct) and times until the
workspace's result file `reports/exercise-2.json` holds the new grading: that is the learner's save-to-verdict loop.
The goal is <= 0.3 s (median). With --notebook (needs the dev extra), a Jupyter kernel that has run a correct notebook
checks it with `check("exercise-2")` once per round too, after a first untimed check: the goal is a median within
1.2x of the watch's. The floor (`python -c "import numpy, yaml, jinja2, pytest"`) is timed in the same run
for scale.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_grade import FLOOR, REPO, correct_submission  # noqa: E402

GOAL = 0.3
NOTEBOOK_GOAL = 1.2
CHECK_CELL = 'from grader import check\ncheck("exercise-2")'
POLL = 0.002


def wait_for_result(path: Path, deadline: float) -> float:
    """Poll until the result file exists and holds a whole result."""
    while time.perf_counter() < deadline:
        try:
            if json.loads(path.read_text()).get("tests"):
                return time.perf_counter()
        except (OSError, ValueError):
            pass
        time.sleep(POLL)
    raise SystemExit(f"no result in {path} before the deadline: is the watch running?")


def start_kernel(folder: Path, workspace: Path):
    """A kernel that has run a correct exercise-2 notebook and checked it once (the first check imports the grader)."""
    from bench_notebook import run_cell as run, write_notebook
    from jupyter_client.manager import start_new_kernel
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               CNN_GRADER_WORKSPACE=str(folder / "kernel-ws"))
    (folder / "nb").mkdir()
    cells = write_notebook(folder / "nb" / "exercise_2.ipynb", CHECK_CELL)
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(folder / "nb"), env=env)
    for source in cells:
        run(client, source)
    return manager, client


def run_cell(client, code: str) -> float:
    from bench_notebook import run_cell as run
    return run(client, code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--notebook", action="store_true", help="also time check() in a Jupyter kernel")
    args = parser.parse_args()
    for package in ("grader", "solutions"):  # byte-compiled, as `pip install` leaves them
        compileall.compile_dir(str(REPO / package), quiet=1)
    folder = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    try:
        submission = correct_submission(folder)
        code = submission.read_text()
        workspace = folder / "ws"
        result = workspace / "reports" / "exercise-2.json"
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        script = shutil.which("grade")
        command = [script] if script else [sys.executable, "-m", "grader"]
        started = time.perf_counter()
        watch = subprocess.Popen([*command, "watch", "exercise-2", "--submission", str(submission),
                                  "--workspace", str(workspace)],  # the default interval: what learners get
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=folder)
        kernel = start_kernel(folder, workspace) if args.notebook else None
        try:
            cold = wait_for_result(result, started + 60) - started
            time.sleep(0.5)
            latencies, floors, checks = [], [], []
            for round_index in range(args.rounds):
                before = result.stat().st_mtime_ns
                saved = time.perf_counter()
                submission.write_text(code + f"\n# round {round_index}\n")
                while result.stat().st_mtime_ns == before:
                    if time.perf_counter() - saved > 30:
                        raise SystemExit("the watch did not re-grade within 30 s")
                    time.sleep(POLL)
                latencies.append(time.perf_counter() - saved)
                time.sleep(0.3)  # let the watch settle before the floor and the next save
                began = time.perf_counter()
                subprocess.run(FLOOR, check=True)
                floors.append(time.perf_counter() - began)
                if kernel is not None:
                    time.sleep(0.3)
                    checks.append(run_cell(kernel[1], CHECK_CELL))
        finally:
            watch.terminate()
            watch.wait(timeout=10)
            if kernel is not None:
                kernel[1].stop_channels()
                kernel[0].shutdown_kernel(now=True)
        median = statistics.median(latencies)
        print(f"grade watch exercise-2, first grading (cold start): {cold * 1000:.0f} ms")
        print(f"save -> verdict written, median of {args.rounds}: {median * 1000:.0f} ms "
              f"(min {min(latencies) * 1000:.0f}, max {max(latencies) * 1000:.0f}); goal <= {GOAL * 1000:.0f} ms: "
              f"{'met' if median <= GOAL else 'MISSED'}")
        print(f"floor (import numpy, yaml, jinja2, pytest), median: {statistics.median(floors) * 1000:.0f} ms")
        if checks:
            ratio = statistics.median(checks) / median
            print(f"check(\"exercise-2\") in a kernel after the first, median of {args.rounds}: "
                  f"{statistics.median(checks) * 1000:.0f} ms (min {min(checks) * 1000:.0f}); "
                  f"{ratio:.2f}x the watch's; goal <= {NOTEBOOK_GOAL}x: {'met' if ratio <= NOTEBOOK_GOAL else 'MISSED'}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
