"""Realistic learner files for exercises 9 to 12 (receptive_field, global_avg_pool, conv2d_general,
numerical_gradient), graded for real: correct ones in any style earn every point (tests/correct/e9_*.py ...), wrong
ones lose points and get their mistake named (tests/mistakes/e9_*.py ...). What only exercises 11 and 12 show is in
test_conv_general_learners.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.grading.runner import grade
from grader.results import Outcome
from grader.spec.catalog import find_exercise

TESTS = Path(__file__).resolve().parents[1]
PREFIXES = ("e9_", "e10_", "e11_", "e12_")
CORRECT = sorted(path.name for prefix in PREFIXES for path in (TESTS / "correct").glob(f"{prefix}*.py"))
MISTAKES = {
    "e9_kernels_added.py": "kernel sizes added without the jump",
    "e9_jump_first.py": "jump updated before the field grows",
    "e9_stride_alone.py": "strides not compounded",
    "e9_no_dilation.py": "dilation ignored",
    "e9_padding_in_cells.py": "padding not scaled by the jump",
    "e9_centre_start.py": "start given as the centre",
    "e10_sum.py": "sum instead of mean",
    "e10_keepdims.py": "pooled axes kept",
    "e10_flatten_mean.py": "channels averaged too",
    "e10_max.py": "max instead of mean",
    "e10_floor_division.py": "floor division",
    "e10_batch_axis.py": "batch averaged too",
    "e10_wrong_axes.py": "channels and rows averaged",
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
    for prefix in PREFIXES:
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
    # on a one-image one-channel case, averaging over the batch or over the channels gives the same single number
    also = {"channels averaged too"} if mistake == "batch averaged too" else set()
    assert mistake in named and named <= {mistake} | also, [case.message for case in failing]
    explanation = next(item.explanation for item in exercise.misconceptions if item.name == mistake)
    assert any(explanation[1:] in case.message for case in failing if case.visibility == "visible")
    for case in failing:
        if case.visibility == "hidden":  # hidden cases never show their inputs
            assert not case.details.get("inputs")
