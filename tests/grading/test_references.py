"""The reference an answer is checked against: imported live, memoized in a batch, looked up in the learner edition."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from grader.grading import references
from grader.grading.inputs import build_args, call_parts
from grader.grading.references import compute, npz_path, reference_function, remember_references
from grader.spec.catalog import find_exercise
from grader.spec.course import resolve_reference


@pytest.fixture
def exercise():
    return find_exercise("exercise-2")


@pytest.fixture
def first_call(exercise):
    case = next(case for case in exercise.cases if not case.hidden)
    return call_parts(exercise, build_args(exercise, case, None))


def test_the_full_edition_imports_the_reference_and_each_known_mistake(exercise, monkeypatch):
    monkeypatch.setattr(references, "_BATCH_MEMO", None)
    assert reference_function(exercise) is resolve_reference(exercise.reference)
    item = exercise.misconceptions[0]
    assert reference_function(exercise, item) is resolve_reference(item.reference)


def test_a_batch_computes_each_output_once_and_no_caller_can_change_it(exercise, first_call, monkeypatch):
    monkeypatch.setattr(references, "_BATCH_MEMO", None)
    remember_references()
    positional, keyword = first_call
    first = reference_function(exercise)(*positional, **keyword)
    again = reference_function(exercise)(*positional, **keyword)  # a later learner: a new function, the same memo
    assert again is first and not first.flags.writeable


def test_the_learner_edition_answers_from_outputs_stored_at_release(exercise, first_call, tmp_path, monkeypatch):
    monkeypatch.setattr(references, "_BATCH_MEMO", None)
    shipped = dataclasses.replace(exercise, path=str(tmp_path / "exercise-2.yaml"), edition="learner")
    np.savez(npz_path(shipped.path), **compute(exercise))
    positional, keyword = first_call
    expected = reference_function(exercise)(*positional, **keyword)
    np.testing.assert_array_equal(reference_function(shipped)(*positional, **keyword), expected)
    item = exercise.misconceptions[0]
    np.testing.assert_array_equal(reference_function(shipped, item)(*positional, **keyword),
                                  reference_function(exercise, item)(*positional, **keyword))
    with pytest.raises(LookupError):
        reference_function(shipped)(positional[0] + 1, *positional[1:], **keyword)
