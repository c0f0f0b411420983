"""`grade start EXERCISE-ID`: write the exercise's starter file (or, with --notebook, a starter notebook) into the
workspace, keeping existing work."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from ..errors import EXIT_OK
from ..results import write_atomic
from ..spec.catalog import find_exercise
from ..spec.model import Exercise
from .files import open_workspace, write_starter


def start_exercise(exercise_id: str, *, force: bool, workspace: Path | None, notebook: bool = False) -> int:
    exercise = find_exercise(exercise_id)
    path = open_workspace(workspace).submission_path(exercise.id)
    if notebook:
        path = path.with_suffix(".ipynb")
    if path.exists() and not force:
        print(f"{path} already exists: your work is kept. Use --force to start over from the starter.")
        return EXIT_OK
    if notebook:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, starter_notebook(exercise))
        print(f"Wrote the starter notebook for {exercise.id} to {path}.")
        print(f"Open it in Jupyter, write {exercise.entry.name} in its first code cell, then run the last cell "
              f"to check your work (or run `grade {exercise.id} --submission {path}` here).")
        return EXIT_OK
    write_starter(exercise, path)
    print(f"Wrote the starter for {exercise.id} to {path}.")
    print(f"Write {exercise.entry.name} there, then run `grade {exercise.id}` (or `grade watch {exercise.id}`).")
    return EXIT_OK


# --- the starter notebook: nbformat 4.5 JSON written by hand (nbformat itself is only a test dependency) ---------

def starter_notebook(exercise: Exercise) -> str:
    """The notebook's text: a title, the concept, the starter stub, a scratch cell and the cell that checks."""
    name = exercise.entry.name
    cells = [
        _markdown("title", f"# {exercise.id}: {exercise.title}\n\n"
                           f"Write `{name}` in the first code cell and run it, then run the last cell to check your "
                           "work. Only what your cells *define* is graded: imports, functions, classes and constants. "
                           "Calls, prints, plots and tests in your cells are left out, so try things freely."),
        _markdown("concept", exercise.concept.strip()),
        _code("solution", _without_module_docstring(exercise.starter)),
        _markdown("scratch-title", "## Try your function here\n\nThis cell is yours: nothing in it is graded."),
        _code("scratch", f"# Try your function here, e.g. call {name} on a small input and print the shape.\n"),
        _markdown("check-title", "## Check your work\n\n"
                                 "Run the cell below after running the cells above. It grades the definitions you "
                                 "have run so far in an isolated process and shows the report here."),
        _code("check", f"from grader import check\ncheck({json.dumps(exercise.id)})"),
    ]
    notebook = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                            "name": "python3"},
                                             "language_info": {"name": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _markdown(cell_id: str, text: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": _lines(text)}


def _code(cell_id: str, text: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": cell_id, "metadata": {}, "outputs": [],
            "source": _lines(text.rstrip("\n"))}


def _without_module_docstring(source: str) -> str:
    """The starter without its module docstring, which tells how to grade a .py file; the notebook says it instead."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return source
    first = body[0] if body else None
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)):
        return source
    lines = source.splitlines(keepends=True)
    return "".join(lines[first.end_lineno:]).lstrip("\n")
