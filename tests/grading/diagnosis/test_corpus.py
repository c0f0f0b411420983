"""The diagnosis corpus (tests/diagnosis_corpus/) graded for real: every mistake must fail and get the diagnosis its
header names; every correct-but-unusual solution must pass every case with no diagnosis at all.

`python benchmarks/diagnosis_corpus.py` prints the same measurement as rates, per exercise."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import pytest

from grader.grading.runner import grade
from grader.spec.catalog import find_exercise
from tests.diagnosis_corpus.corpus import (ANY_FAILING_CASE, NOT_YET_DIAGNOSED, entries, failing_diagnoses,
                                           names_expected_cause)

ENTRIES = entries()
MISTAKE_FILES = [entry for entry in ENTRIES if not entry.correct]
CORRECT_FILES = [entry for entry in ENTRIES if entry.correct]


@lru_cache(maxsize=None)
def graded(name: str):
    entry = next(entry for entry in ENTRIES if entry.name == name)
    return grade(find_exercise(entry.exercise), entry.path, sandbox="standard")


def test_the_corpus_is_large_enough_and_covers_every_exercise():
    per_exercise = Counter(entry.exercise for entry in MISTAKE_FILES)
    assert len(MISTAKE_FILES) >= 70 and len(CORRECT_FILES) >= 12
    assert all(per_exercise[f"exercise-{number}"] >= 6 for number in range(1, 9)), per_exercise
    assert set(ANY_FAILING_CASE) <= {entry.name for entry in MISTAKE_FILES}


def test_the_comparison_takes_the_most_common_diagnosis():
    entry = next(entry for entry in MISTAKE_FILES if entry.name not in ANY_FAILING_CASE)
    other = "some other cause"
    assert names_expected_cause(entry, [entry.expect.upper(), None, other])
    assert not names_expected_cause(entry, [other, other, entry.expect])
    assert not names_expected_cause(entry, [None, None])


def _mistake_param(entry):
    reason = NOT_YET_DIAGNOSED.get(entry.name)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(entry, id=entry.name, marks=marks)


def test_most_mistakes_are_diagnosed():
    """The goal of the diagnosis: at least 85% of the corpus's mistakes named with the right cause."""
    assert set(NOT_YET_DIAGNOSED) <= {entry.name for entry in MISTAKE_FILES}
    assert 1 - len(NOT_YET_DIAGNOSED) / len(MISTAKE_FILES) >= 0.85


@pytest.mark.parametrize("entry", [_mistake_param(entry) for entry in MISTAKE_FILES])
def test_mistake_fails_and_gets_its_diagnosis(entry):
    result = graded(entry.name)
    names = failing_diagnoses(result)
    assert names, f"{entry.name} passes every case: the mistake must show on at least one"
    assert names_expected_cause(entry, names), f"expected {entry.expect!r}, the failing cases got {Counter(names)}"


@pytest.mark.parametrize("entry", CORRECT_FILES, ids=[entry.name for entry in CORRECT_FILES])
def test_correct_file_passes_with_no_diagnosis(entry):
    result = graded(entry.name)
    failing = [(case.name, case.message) for case in result.cases if not case.passed]
    diagnosed = [(case.name, case.details["diagnosis"]) for case in result.cases if case.details.get("diagnosis")]
    assert not failing
    assert not diagnosed
