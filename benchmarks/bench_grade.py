"""Time `grade exercise-2` on a correct submission against the bare import floor, interleaved, in one run.

Run: python benchmarks/bench_grade.py [--runs N]   (the `grade` script when installed, else `python -m grader`)
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FLOOR = [sys.executable, "-c", "import numpy, yaml, jinja2, pytest"]
GOAL = 2.0


def correct_submission(folder: Path) -> Path:
    """The conv reference pasted into one standalone file, as a learner who got it right would submit."""
    parts = [(REPO / "solutions" / "_args.py").read_text()]
    body = (REPO / "solutions" / "conv.py").read_text()
    parts.append("\n".join(line for line in body.splitlines() if not line.startswith("from .")))
    path = folder / "exercise_2.py"
    path.write_text("\n\n".join(parts) + "\n")
    return path


def grade_command(submission: Path, folder: Path) -> list[str]:
    script = shutil.which("grade")
    base = [script] if script else [sys.executable, "-m", "grader"]
    return [*base, "exercise-2", "--submission", str(submission), "--workspace", str(folder / "ws"),
            "--json", str(folder / "result.json"), "--html", str(folder / "report.html")]


def timed(command: list[str], env: dict, expect: int) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - started
    if done.returncode != expect:
        sys.exit(f"{' '.join(command)} exited {done.returncode}, expected {expect}:\n{done.stderr.decode()}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="repetitions of each command (default 15)")
    options = parser.parse_args()
    for package in ("grader", "solutions"):  # as `pip install` does; this shell sets PYTHONDONTWRITEBYTECODE
        compileall.compile_dir(str(REPO / package), quiet=1)
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        folder = Path(tmp)
        grade = grade_command(correct_submission(folder), folder)
        timed(grade, env, 0)  # warm the page cache and any byte-code caches; not counted
        timed(FLOOR, env, 0)
        times: dict[str, list[float]] = {"grade": [], "floor": []}
        for _ in range(options.runs):  # interleaved, so load changes on a shared machine hit both alike
            times["grade"].append(timed(grade, env, 0))
            times["floor"].append(timed(FLOOR, env, 0))
    grade_s, floor_s = statistics.median(times["grade"]), statistics.median(times["floor"])
    ratio = grade_s / floor_s
    print(f"grade exercise-2 (correct): median {grade_s * 1e3:7.0f} ms  "
          f"(min {min(times['grade']) * 1e3:.0f}, max {max(times['grade']) * 1e3:.0f}) over {options.runs} runs")
    print(f"floor (import numpy, yaml, jinja2, pytest): median {floor_s * 1e3:7.0f} ms  "
          f"(min {min(times['floor']) * 1e3:.0f}, max {max(times['floor']) * 1e3:.0f})")
    print(f"ratio {ratio:.2f}x (goal <= {GOAL:.1f}x): {'met' if ratio <= GOAL else 'MISSED'}")
    print(f"command: {' '.join(grade)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
