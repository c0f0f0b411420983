"""Correct learner files (tests/correct/) graded for real on every case: correct code earns full marks, whatever its style.

Exercises 1-7 are not speed exercises: their plain-Python loop versions (one multiply-add or comparison at a time)
must finish every case well inside its time limit, so that no correct answer loses points to the clock. Only
exercise 8 rewards speed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.spec.catalog import find_exercise
from grader.grading.runner import grade

CORRECT = Path(__file__).resolve().parents[1] / "correct"
FILES = sorted(path.name for path in CORRECT.glob("e*.py"))
LOOP_FILES = [name for name in FILES if name.endswith("_loops.py")]
# A loop version may use at most this share of a case's limit: the rest is headroom for a busy machine.
LOOP_SHARE_OF_LIMIT = 0.5


def exercise_of(file_name: str):
    return find_exercise(f"exercise-{file_name[1:].split('_')[0]}")  # e10_loops.py: exercise-10


@pytest.fixture(scope="module")
def results() -> dict:
    """Each file graded once, on every case of its exercise (hidden ones included)."""
    return {name: grade(exercise_of(name), CORRECT / name) for name in FILES}


def test_every_exercise_without_a_speed_case_has_a_loop_version():
    slow_allowed = {exercise_of(name).id for name in LOOP_FILES}
    for number in range(1, 8):
        exercise = find_exercise(f"exercise-{number}")
        assert all(case.check != "speed" for case in exercise.cases), f"{exercise.id} is not a speed exercise"
        assert exercise.id in slow_allowed, f"add tests/correct/e{number}_loops.py"


@pytest.mark.parametrize("name", FILES)
def test_each_file_says_what_it_is_on_its_first_line(name):
    first = (CORRECT / name).read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# Correct exercise "), first


@pytest.mark.parametrize("name", FILES)
def test_correct_file_earns_full_marks(name, results):
    result = results[name]
    failing = [(case.name, case.kind, case.message) for case in result.cases if not case.passed]
    assert not failing
    assert result.score == result.max_score == exercise_of(name).max_score


@pytest.mark.parametrize("name", LOOP_FILES)
def test_loop_version_leaves_headroom_on_every_case(name, results):
    exercise = exercise_of(name)
    limits = {case.name: case.time_limit or exercise.limits.case_seconds for case in exercise.cases}
    slow = [(case.name, round(case.duration, 2), limits[case.name]) for case in results[name].cases
            if case.duration > LOOP_SHARE_OF_LIMIT * limits[case.name]]
    assert not slow, "a correct loop version is too close to the time limit: shrink the case's pixels"
    total = sum(case.duration for case in results[name].cases)
    assert total <= LOOP_SHARE_OF_LIMIT * exercise.limits.total_seconds
