"""What learner files of exercises 11 (conv2d_general) and 12 (numerical_gradient) show beyond their mistake's name
(the shared harness of correct and wrong learner files is test_learner_files_9_12.py)."""

from __future__ import annotations

from pathlib import Path

from grader.grading.runner import grade
from grader.results import Kind
from grader.spec.catalog import find_exercise

TESTS = Path(__file__).resolve().parents[1]


def exercise_of(name: str):
    return find_exercise(f"exercise-{name[1:].split('_')[0]}")


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
