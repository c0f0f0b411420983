"""Time `check("exercise-2")` in a running Jupyter kernel against `grade exercise-2 --submission NOTEBOOK` from the
command line, on the same correct notebook, interleaved, in one run.

Run: python benchmarks/bench_notebook.py [--runs N] [--sandbox standard|strict]
Needs the dev extra (nbclient, ipykernel, nbformat). One kernel is started and the notebook's cells are run in it
once; then each round times, in turn: the check cell as Jupyter runs it (from the kernel's history, no path), the
check of the saved notebook (`check(..., path=...)`) and the command line. The first check in a fresh kernel also
pays for importing NumPy, pytest and Jinja2 (the command line pays that on every run); it is printed apart.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOAL = 1.0  # a check from the notebook must not be slower than the command line


def correct_source() -> str:
    """The conv reference pasted into one cell, as a learner who got it right would have it."""
    parts = [(REPO / "solutions" / "_args.py").read_text()]
    body = (REPO / "solutions" / "conv.py").read_text()
    parts.append("\n".join(line for line in body.splitlines() if not line.startswith("from .")))
    return "\n\n".join(parts) + "\n"


def write_notebook(path: Path, check_cell: str) -> list[str]:
    """A learner's notebook: imports, the solution, a scratch cell, the check cell. Returns the code cells."""
    cells = ["import numpy as np", correct_source(),
             "x = np.ones((1, 1, 4, 4))\nprint(conv2d(x, np.ones((1, 1, 3, 3))).shape)", check_cell]
    book = {"cells": [{"cell_type": "code", "execution_count": None, "id": f"c{k}", "metadata": {}, "outputs": [],
                       "source": source} for k, source in enumerate(cells)],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(book, indent=1))
    return cells


def run_cell(client, code: str) -> float:
    """Run one cell in the kernel as Jupyter does; its wall time seen from the client (the learner's wait)."""
    failed = []

    def watch(message):
        if message["msg_type"] == "error":
            failed.append("\n".join(message["content"]["traceback"]))
    started = time.perf_counter()
    reply = client.execute_interactive(code, timeout=300, output_hook=watch)
    seconds = time.perf_counter() - started
    if reply["content"]["status"] != "ok" or failed:
        sys.exit(f"the cell failed in the kernel:\n{code}\n{''.join(failed)}")
    return seconds


def timed_command(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr.decode()}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="rounds (default 11)")
    parser.add_argument("--sandbox", choices=("standard", "strict"), default="standard")
    options = parser.parse_args()
    try:
        from jupyter_client.manager import start_new_kernel
    except ImportError:
        sys.exit("needs the dev extra: pip install -e '.[dev]' (nbclient, ipykernel, nbformat)")
    folder = Path(tempfile.mkdtemp(prefix="bench-notebook-"))
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               CNN_GRADER_WORKSPACE=str(folder / "ws"))
    check_cell = f'from grader import check\ncheck("exercise-2", sandbox="{options.sandbox}")'
    notebook = folder / "exercise_2.ipynb"
    cells = write_notebook(notebook, check_cell)
    script = shutil.which("grade")
    cli = [*([script] if script else [sys.executable, "-m", "grader"]), "exercise-2", "--submission", str(notebook),
           "--sandbox", options.sandbox]
    by_path = f'from grader import check\ncheck("exercise-2", path={str(notebook)!r}, sandbox="{options.sandbox}")'
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(folder), env=env)
    try:
        for source in cells[:-1]:
            run_cell(client, source)
        first = run_cell(client, check_cell)
        times = {"check() in the kernel": [], "check(path=...) in the kernel": [], "grade --submission": []}
        for _ in range(options.runs):
            times["check() in the kernel"].append(run_cell(client, check_cell))
            times["check(path=...) in the kernel"].append(run_cell(client, by_path))
            times["grade --submission"].append(timed_command(cli, env))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        shutil.rmtree(folder, ignore_errors=True)
    print(f"exercise-2, a correct notebook, sandbox {options.sandbox}, {options.runs} interleaved rounds")
    print(f"  first check() in a fresh kernel (imports NumPy, pytest, Jinja2): {first:.2f} s")
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"  {name:32s} median {medians[name]:.2f} s  (min {min(values):.2f}, max {max(values):.2f})")
    ratio = medians["check() in the kernel"] / medians["grade --submission"]
    print(f"  ratio check() / command line: {ratio:.2f}x (goal <= {GOAL:.1f}x)")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
