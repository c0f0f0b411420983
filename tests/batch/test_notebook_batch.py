"""`grade batch` over notebooks: alice.ipynb, or a folder per learner holding one, graded as the .py files are; a
broken notebook is that learner's 0-point result, never the batch's failure."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import tiny_flatten_yaml, use_course, write_files

from grader.batch.discover import discover
from grader.errors import UsageError
from grader.spec.loader import load_exercise

CORRECT = "import numpy as np\n\ndef flatten(x, start_dim=1):\n    return x.reshape(x.shape[0], -1)\n"
BUGGY = "def flatten(x, start_dim=1):\n    return x.reshape(-1)\n"
TEST_CELL = "x = np.ones((2, 3))\nprint(flatten(x))\nassert flatten(x).shape == (99,)\n"


def notebook(*sources: str) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source}
        for source in sources]})


LEARNERS = {
    "alice.ipynb": notebook("%matplotlib inline", CORRECT, TEST_CELL),
    "bob/work.ipynb": notebook(BUGGY, TEST_CELL),
    "carol.ipynb": "{ this is not JSON",
    "dan/tiny_flatten.py": CORRECT,  # the exercise's own file wins over a notebook beside it
    "dan/scratch.ipynb": notebook(BUGGY),
    "erin/scratch.ipynb": notebook(CORRECT),  # one notebook and one other .py file: which to grade is not guessed
    "erin/helpers.py": "X = 1\n",
    "frank/tiny_flatten.ipynb": notebook("from helpers import flatten"),  # its helper file comes along
    "frank/helpers.py": CORRECT,
    "frank/.ipynb_checkpoints/tiny_flatten-checkpoint.ipynb": notebook(BUGGY),
}


@pytest.fixture
def course(tmp_path, monkeypatch):
    use_course(tmp_path, monkeypatch, {"tiny-flatten": tiny_flatten_yaml(case_seconds=0.5, total_seconds=2, full=True)})
    return write_files(tmp_path / "subs", LEARNERS)


def gradebook(out: Path) -> dict:
    with open(out / "gradebook.csv", newline="") as handle:
        return {row["learner"]: row for row in csv.DictReader(handle)}


def test_a_folder_of_notebooks_is_graded_learner_by_learner(course, tmp_path, run_cli):
    out = tmp_path / "out"
    code, stdout, err = run_cli("batch", course, "--exercise", "tiny-flatten", "--out", out, "--jobs", "2")
    assert code == 0, err
    book = gradebook(out)
    assert {name: row["status"] for name, row in book.items()} == {
        "alice": "passed", "bob": "zero", "carol": "error", "dan": "passed", "erin": "error", "frank": "passed"}
    alice = json.loads((out / "learners" / "alice" / "result.json").read_text())
    assert alice["notes"][0] == ("From alice.ipynb: graded the definitions in cell 2; left out top-level code in "
                                 "cell 3 (computed values, prints, asserts) and magics in cell 1.")
    bob = json.loads((out / "learners" / "bob" / "result.json").read_text())
    assert bob["tests"][0]["details"].get("misconception") == "batch flattened too"
    carol = json.loads((out / "learners" / "carol" / "result.json").read_text())
    assert carol["score"] == 0 and carol["output"].startswith(
        "carol.ipynb is not a Jupyter notebook (nbformat 4): it is not valid JSON (line 1, column 3")
    assert "Not graded, no usable file: carol, erin" in stdout
    assert "Traceback" not in stdout + err


def test_a_learner_with_both_a_file_and_a_notebook_of_the_same_name_is_a_usage_error(course):
    (course / "alice.py").write_text(CORRECT)
    exercise = load_exercise(course.parent / "course" / "exercises" / "tiny-flatten.yaml")
    with pytest.raises(UsageError, match=r"learner 'alice' appears twice in .* \(alice.ipynb and alice.py\); keep one"):
        discover(course, exercise, None)
