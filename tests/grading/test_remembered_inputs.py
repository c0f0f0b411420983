"""A grader that grades the same cases again (a batch, `grade watch`, check()) builds each case's inputs once: the
very same arrays, read-only, equal to freshly built ones, and encoded for the wire once."""

from __future__ import annotations

import io

import numpy as np
import pytest

from grader.grading import inputs
from grader.grading.inputs import build_args, case_args
from grader.sandbox import wire
from grader.spec.catalog import find_exercise


@pytest.fixture
def remembering(monkeypatch):
    monkeypatch.setattr(inputs, "_REMEMBERED", None)
    inputs.remember_inputs()


def test_without_remembering_every_call_builds_fresh_writable_inputs(monkeypatch):
    monkeypatch.setattr(inputs, "_REMEMBERED", None)
    case = find_exercise("exercise-2").cases[3]
    first, second = case_args(find_exercise("exercise-2"), case), case_args(find_exercise("exercise-2"), case)
    assert first["x"] is not second["x"] and first["x"].flags.writeable


def test_remembered_inputs_are_the_same_read_only_arrays_and_equal_fresh_ones(remembering):
    exercise = find_exercise("exercise-2")
    for case in exercise.cases:
        if not case.args:
            continue
        first, second = case_args(exercise, case), case_args(exercise, case, exercise.seed)
        fresh = build_args(exercise, case)
        assert first.keys() == second.keys() == fresh.keys() and first is not second
        for name, value in first.items():
            assert second[name] is value
            if isinstance(value, np.ndarray):
                assert not value.flags.writeable and np.array_equal(value, fresh[name])
                with pytest.raises(ValueError):
                    value[...] = 0  # grader code that wrote into an input would spoil the next learner's
    other_seed = case_args(exercise, exercise.cases[3], exercise.seed + 1)["x"]
    assert not np.array_equal(other_seed, case_args(exercise, exercise.cases[3])["x"])


def test_a_read_only_array_is_encoded_once_and_a_writable_one_every_time():
    fixed = np.arange(12.0).reshape(3, 4)
    fixed = fixed.copy()  # owns its data
    fixed.setflags(write=False)
    plain = io.BytesIO()
    np.save(plain, fixed, allow_pickle=False)
    assert wire.encode_array(fixed) == plain.getvalue()
    assert wire.encode_array(fixed) is wire.encode_array(fixed)  # kept
    changing = np.zeros(3)
    before = wire.encode_array(changing)
    changing[0] = 1.0
    assert wire.encode_array(changing) != before  # a writable array is never served from the cache
    view = fixed[1:]  # a view could see its base change: encoded afresh too
    assert wire.encode_array(view) is not wire.encode_array(view)


def test_the_encoding_cache_forgets_arrays_that_are_gone():
    array = np.ones(5)
    array.setflags(write=False)
    wire.encode_array(array)
    key = id(array)
    assert key in wire._ENCODED
    del array
    assert key not in wire._ENCODED
