"""Notebooks for the real-kernel tests and the benchmark, built from cell sources (nbformat 4, no outputs).

Each builder returns the notebook as a dict ready for `json.dump`; `cells` are code sources, `markdown` ones are
marked with a leading "# md:" line."""

from __future__ import annotations

import json
from pathlib import Path

CHECK = 'from grader import check\ncheck("exercise-2"{options})'


def notebook(*sources: str) -> dict:
    cells = []
    for number, source in enumerate(sources, start=1):
        if source.startswith("# md:"):
            cells.append({"cell_type": "markdown", "id": f"c{number}", "metadata": {},
                          "source": source[len("# md:"):].lstrip()})
        else:
            cells.append({"cell_type": "code", "execution_count": None, "id": f"c{number}", "metadata": {},
                          "outputs": [], "source": source})
    return {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                        "name": "python3"}, "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def write(path: Path, book: dict) -> Path:
    path.write_text(json.dumps(book, indent=1) + "\n", encoding="utf-8")
    return path


def check_cell(**options) -> str:
    shown = "".join(f", {name}={value!r}" for name, value in options.items())
    return CHECK.format(options=shown)


def correct(solution: str, **options) -> dict:
    """The reference conv2d in one cell, a scratch cell that calls it, and the check cell."""
    return notebook("# md: # exercise-2", solution,
                    "x = np.ones((1, 1, 4, 4))\nprint(conv2d(x, np.ones((1, 1, 3, 3))).shape)",
                    check_cell(**options))


def buggy(solution: str, **options) -> dict:
    """The reference with its kernel flipped: the known mistake "kernel flipped"."""
    marker = 'weight = as_nchw(weight, "weight")\n'
    assert marker in solution
    flipped = solution.replace(marker, marker + "    weight = weight[:, :, ::-1, ::-1]\n", 1)
    return notebook(flipped, check_cell(**options))


def messy(solution: str, **options) -> dict:
    """A correct solution among magics, a shell line and a test cell that fails when run."""
    return notebook("%matplotlib inline\n!pip install nothing-such-exists-here\nimport numpy as np",
                    solution,
                    "# my own test: wrong on purpose, it raises\nassert conv2d(np.ones((1, 1, 3, 3)), "
                    "np.ones((1, 1, 3, 3))).shape == (9, 9)\nraise RuntimeError('my test cell fails')",
                    "!echo this shell line would fail the grading if it ran",
                    check_cell(**options))


def attack(solution: str, log: Path, **options) -> dict:
    """Top-level code that appends a line to `log` each time it runs ("top PID", "assign PID"), and a conv2d whose
    default argument is evaluated where the definition runs: it prints "defined in process PID" on every call, so
    the report's "What your code printed" says which process ran the definition."""
    trace = f"open({str(log)!r}, 'a').write"
    marker = "def conv2d(x, weight, bias=None, stride=1, padding=0):"
    assert marker in solution
    return notebook(
        "import os",
        f"{trace}(f'top {{os.getpid()}}\\n')",
        solution.replace(marker, "def reference_conv2d(x, weight, bias=None, stride=1, padding=0):", 1)
                .replace("= conv2d\n", "= reference_conv2d\n"),
        "def conv2d(x, weight, bias=None, stride=1, padding=0, _defined_in=os.getpid()):\n"
        "    print(f'defined in process {_defined_in}')\n"
        "    return reference_conv2d(x, weight, bias, stride, padding)",
        f"STOLEN = {trace}(f'assign {{os.getpid()}}\\n')",
        check_cell(**options))
