"""Time `grade exercise-2` on a correct submission against the bare import floor, interleaved, in one run.

Run: python benchmarks/bench_grade.py [--runs N] [--sandbox standard|strict|both] [--wrong] [--otter PATH]
(the `grade` script when installed, else `python -m grader`). With `--sandbox both` the two modes and the floor
alternate, and the ratio strict/standard is printed too. With `--wrong`, two wrong submissions that fail every case
join the rotation (one whose mistake the diagnosis finds, one it cannot explain, which makes it search longest), and
the ratio of each to the correct one is printed: diagnosis must not make grading slow (goal <= 1.3x). Where
otter-grader is installed, `otter check` on the same exercise joins the rotation (the peer row, otter_peer.py).
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
GOAL = 1.5  # issue 18: a correct submission within 1.5x the floor
WRONG_FLOOR_GOAL = 1.7  # issue 18: every case failing, the diagnosis running, within 1.7x the floor
WRONG_GOAL = 1.3  # issue 14: the diagnosis costs at most 30% over grading the correct file
# Two ways to fail every case of exercise-2, appended to the correct file: a mistake the diagnosis names (a constant
# factor), and a perturbation it cannot explain, so every analysis runs to its end on every case.
WRONG = {
    "wrong (explained)": "\n_right = conv2d\n\ndef conv2d(*args, **kwargs):\n    return 1.5 * _right(*args, **kwargs)\n",
    "wrong (unexplained)": ("\n_right = conv2d\n\ndef conv2d(*args, **kwargs):\n    out = _right(*args, **kwargs)\n"
                            "    return out + 0.01 * np.sin(np.arange(out.size).reshape(out.shape))\n"),
}


def correct_submission(folder: Path) -> Path:
    """The conv reference pasted into one standalone file, as a learner who got it right would submit."""
    parts = [(REPO / "solutions" / "_args.py").read_text()]
    body = (REPO / "solutions" / "conv.py").read_text()
    parts.append("\n".join(line for line in body.splitlines() if not line.startswith("from .")))
    path = folder / "exercise_2.py"
    path.write_text("\n\n".join(parts) + "\n")
    return path


def wrong_submission(folder: Path, name: str, tail: str) -> Path:
    path = folder / name.split()[1].strip("()") / "exercise_2.py"
    path.parent.mkdir()
    path.write_text(correct_submission(folder).read_text() + tail)
    return path


def grade_command(submission: Path, folder: Path, sandbox: str) -> list[str]:
    script = shutil.which("grade")
    base = [script] if script else [sys.executable, "-m", "grader"]
    return [*base, "exercise-2", "--submission", str(submission), "--workspace", str(folder / "ws"),
            "--json", str(folder / "result.json"), "--html", str(folder / "report.html"), "--sandbox", sandbox]


def timed(command: list[str], env: dict, expect: int, cwd: Path | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    seconds = time.perf_counter() - started
    if done.returncode != expect or (command[1:2] == ["check"] and b"All tests passed!" not in done.stdout):
        sys.exit(f"{' '.join(command)} exited {done.returncode}, expected {expect}:\n{done.stdout.decode()}\n"
                 f"{done.stderr.decode()}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="repetitions of each command (default 15)")
    parser.add_argument("--wrong", action="store_true",
                        help="also time two submissions that fail every case, against the correct one")
    parser.add_argument("--sandbox", choices=("standard", "strict", "both"), default="standard",
                        help="the sandbox to grade in; both: the two alternate in one run (default standard)")
    parser.add_argument("--otter", default=shutil.which("otter"), metavar="PATH",
                        help="otter-grader's `otter` command, for the peer row (default: `otter` on PATH; "
                             "benchmarks/otter_peer.py says how to install it)")
    parser.add_argument("--otter-runs", type=int, default=5, help="runs of `otter check` (default 5; ~5 s each)")
    options = parser.parse_args()
    modes = ["standard", "strict"] if options.sandbox == "both" else [options.sandbox]
    for package in ("grader", "solutions"):  # as `pip install` does; this shell sets PYTHONDONTWRITEBYTECODE
        compileall.compile_dir(str(REPO / package), quiet=1)
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        folder = Path(tmp)
        submission = correct_submission(folder)
        commands = {mode: grade_command(submission, folder, mode) for mode in modes}
        commands["floor"] = FLOOR
        expect = {name: 0 for name in commands}
        if options.wrong:
            for name, tail in WRONG.items():
                commands[name] = grade_command(wrong_submission(folder, name, tail), folder, modes[0])
                expect[name] = 1
        envs = {name: env for name in commands}
        cwds: dict[str, Path] = {}
        if options.otter:
            sys.path.insert(0, str(REPO))
            from otter_peer import otter_command, write_assignment
            peer = folder / "otter"
            cases = write_assignment(peer)
            commands["otter check"], envs["otter check"] = otter_command(options.otter, submission, peer)
            expect["otter check"], cwds["otter check"] = 0, peer  # otter check writes its log where it runs
        for name, command in commands.items():  # warm the page cache, byte-code and probe caches; not counted
            timed(command, envs[name], expect[name], cwds.get(name))
        times: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(options.runs):  # interleaved, rotating, so load changes on a shared machine hit all alike
            names = [name for name in commands if name != "otter check" or run < options.otter_runs]
            for name in names[run % len(names):] + names[:run % len(names)]:
                times[name].append(timed(commands[name], envs[name], expect[name], cwds.get(name)))
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor_s = medians["floor"]
    for mode in modes:
        ratio = medians[mode] / floor_s
        print(f"grade exercise-2 --sandbox {mode} (correct): median {medians[mode] * 1e3:7.0f} ms  "
              f"(min {min(times[mode]) * 1e3:.0f}, max {max(times[mode]) * 1e3:.0f}) over {options.runs} runs; "
              f"ratio to the floor {ratio:.2f}x (goal <= {GOAL:.1f}x): {'met' if ratio <= GOAL else 'MISSED'}")
    print(f"floor (import numpy, yaml, jinja2, pytest): median {floor_s * 1e3:7.0f} ms  "
          f"(min {min(times['floor']) * 1e3:.0f}, max {max(times['floor']) * 1e3:.0f})")
    if len(modes) == 2:
        print(f"strict/standard: {medians['strict'] / medians['standard']:.3f}")
    for name in WRONG if options.wrong else ():
        ratio, to_floor = medians[name] / medians[modes[0]], medians[name] / floor_s
        print(f"{name}: median {medians[name] * 1e3:7.0f} ms; ratio to the floor {to_floor:.2f}x (goal <= "
              f"{WRONG_FLOOR_GOAL:.1f}x): {'met' if to_floor <= WRONG_FLOOR_GOAL else 'MISSED'}; to the correct one "
              f"{ratio:.2f}x (goal <= {WRONG_GOAL:.1f}x): {'met' if ratio <= WRONG_GOAL else 'MISSED'}")
    if "otter check" in medians:
        peer = medians["otter check"]
        print(f"peer: otter check ({cases} cases of exercise 2 as OK-format doctests): median {peer * 1e3:7.0f} ms "
              f"over {len(times['otter check'])} runs, {peer / floor_s:.1f}x the floor; grade exercise-2 takes "
              + ", ".join(f"{medians[mode] / peer:.2f}x its time (--sandbox {mode})" for mode in modes))
    else:
        print("peer: otter check not run: otter-grader is not installed (benchmarks/otter_peer.py says how; "
              "then --otter PATH)")
    print(f"command: {' '.join(commands[modes[0]])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
