"""Realistic learner files for exercises 11 (conv2d_general) and 12 (numerical_gradient), graded for real: correct
ones in any style earn every point (tests/correct/e11_*.py, e12_*.py), wrong ones lose points and get their mistake
named (tests/mistakes/e11_*.py, e12_*.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.grading.runner import grade
from grader.results import Kind, Outcome
from grader.spec.catalog import find_exercise

TESTS = Path(__file__).resolve().parents[1]
CORRECT = sorted(path.name for pattern in ("e11_*.py", "e12_*.py") for path in (TESTS / "correct").glob(pattern))
MISTAKES = {
    "e11_dilation_on_image.py": "dilation applied to the image",
    "e11_no_dilation.py": "dilation ignored",
    "e11_round_robin.py": "filters dealt to groups in turn",
    "e11_slice_at_g.py": "group channel slice starts at g",
    "e11_bias_in_group.py": "bias indexed within the group",
    "e11_depthwise_broadcast.py": "groups ignored",
    "e11_flipped.py": "kernel flipped",
    "e12_forward.py": "one-sided differences",
    "e12_over_eps.py": "divided by eps, not 2 * eps",
    "e12_no_dout.py": "dout ignored",
    "e12_all_at_once.py": "all elements moved at once",
    "e12_alias.py": "both sides share one array",
    "e12_fixed_eps.py": "eps not used",
    "e12_not_restored.py": "x not put back",
}


def exercise_of(name: str):
    return find_exercise(f"exercise-{name[1:].split('_')[0]}")


def test_there_are_enough_files_of_each_kind():
    for prefix in ("e11_", "e12_"):
        assert sum(name.startswith(prefix) for name in CORRECT) >= 5
        assert sum(name.startswith(prefix) for name in MISTAKES) >= 5


@pytest.mark.parametrize("name", CORRECT)
def test_correct_file_earns_full_marks(name):
    result = grade(exercise_of(name), TESTS / "correct" / name)
    failing = [(case.name, case.message) for case in result.cases if not case.passed]
    assert not failing and result.score == result.max_score


@pytest.mark.parametrize("name, mistake", sorted(MISTAKES.items()))
def test_mistake_is_named_with_its_advice(name, mistake):
    exercise = exercise_of(name)
    result = grade(exercise, TESTS / "mistakes" / name)
    failing = [case for case in result.cases if case.outcome != Outcome.PASSED]
    assert failing and result.score < result.max_score
    named = {case.details.get("misconception") for case in failing} - {None}
    assert named == {mistake}, [case.message for case in failing]
    explanation = next(item.explanation for item in exercise.misconceptions if item.name == mistake)
    assert any(explanation[1:] in case.message for case in failing if case.visibility == "visible")
    for case in failing:
        if case.visibility == "hidden":  # hidden cases never show their inputs
            assert not case.details.get("inputs")


def test_a_depthwise_kernel_broadcast_over_every_channel_crashes_where_groups_are_not_depthwise():
    """The learner's broadcast only works when each filter has one channel; elsewhere the crash names the line."""
    result = grade(exercise_of("e11_"), TESTS / "mistakes" / "e11_depthwise_broadcast.py")
    crashed = {case.name: case.message for case in result.cases if case.kind == Kind.EXCEPTION}
    assert "groups 2 split channels and filters" in crashed
    assert "could not be broadcast" in crashed["groups 2 split channels and filters"]


def test_changing_the_callers_x_is_reported_even_where_the_values_are_right():
    """Elementwise f: an element left at x - eps does not change the other elements' differences, so the values
    pass, and the changed input is what costs the case."""
    result = grade(exercise_of("e12_"), TESTS / "mistakes" / "e12_not_restored.py")
    by_name = {case.name: case for case in result.cases}
    cube = by_name["cube of three numbers"]
    assert cube.kind == Kind.MUTATION and not cube.passed
    assert "changed its input x" in cube.message and "x[0] was 0.5 before the call" in cube.message
