"""Hostile notebooks (tests/adversarial/notebook_*.ipynb): a notebook's top-level code never runs, in the grader or
anywhere; its definitions run, in the worker only; a notebook built to break the parser is a syntax error."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import time
from pathlib import Path

import pytest

from grader.grading.runner import grade
from grader.results import Kind
from grader.spec.catalog import find_exercise

REPO = Path(__file__).resolve().parents[2]
HOSTILE = REPO / "tests" / "adversarial"
CASES = ("identity 1x1 kernel", "bias added per filter", "hidden padding larger than 1")


@pytest.fixture(scope="module")
def exercise():
    full = find_exercise("exercise-2")
    limits = dataclasses.replace(full.limits, case_seconds=2, total_seconds=6, import_seconds=3)
    return dataclasses.replace(full, cases=tuple(case for case in full.cases if case.name in CASES), limits=limits)


def _solutions_digest() -> dict:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in (REPO / "solutions").glob("*.py")}


def test_top_level_code_never_runs_and_definitions_run_in_the_worker_only(exercise, tmp_path, worker_pids):
    marker = tmp_path / "attack-ran"
    text = (HOSTILE / "notebook_top_level_attack.ipynb").read_text()
    for name, value in {"{MARKER}": marker, "{REPO}": REPO}.items():
        text = text.replace(name, json.dumps(str(value))[1:-1])
    path = tmp_path / "learner" / "attack.ipynb"
    path.parent.mkdir()
    path.write_text(text)
    before = _solutions_digest()
    started = time.monotonic()
    result = grade(exercise, path, shown_as="attack.ipynb", sandbox="standard")
    assert time.monotonic() - started < 10
    assert result.all_passed, result.summary  # the definitions are correct, and nothing else ran
    assert not marker.exists() and _solutions_digest() == before
    said = [re.fullmatch(r"loaded in (\d+), called in (\d+)", case.output.strip()) for case in result.cases]
    assert all(said) and worker_pids
    assert os.getpid() not in {int(pid) for found in said for pid in found.groups()}  # the worker's, not ours
    assert result.notes[0] == (
        "From attack.ipynb: graded the definitions in cells 2, 7, 8 and 9; left out top-level code in cells 5, 6 "
        "and 9 (calls, computed values, a __main__ block, loops), shell lines and magics in cell 4 and the %%bash "
        "cell (cell 3).")


def test_a_notebook_built_to_break_the_parser_is_a_syntax_error(exercise, tmp_path):
    started = time.monotonic()
    result = grade(exercise, HOSTILE / "notebook_parse_bomb.ipynb", shown_as="bomb.ipynb", sandbox="standard")
    assert time.monotonic() - started < 10
    assert {case.kind for case in result.cases} == {Kind.SYNTAX} and result.score == 0
    assert result.summary == ("Your notebook has a syntax error in cell 3, line 1: too many nested parentheses. "
                              "Fix it in bomb.ipynb and grade again.")
