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


def _frozen(array):
    array = np.array(array)  # owns its data
    array.setflags(write=False)
    return array


def test_a_call_on_frozen_inputs_keeps_its_key_and_any_other_call_is_keyed_afresh(monkeypatch):
    monkeypatch.setattr(references, "_KEYS", {})
    image = _frozen(np.arange(12.0).reshape(1, 1, 3, 4))
    call = ([image, _frozen(np.ones((1, 1, 2, 2)))], {"stride": 1, "padding": (0, 1)})
    assert references.call_key(*call) == references.args_key(*call)
    assert len(references._KEYS) == 1 and references.call_key(*call) == references.args_key(*call)
    same_values = ([_frozen(image), call[0][1]], call[1])  # another array, equal values: the same content key
    assert references.call_key(*same_values) == references.args_key(*call)
    assert references.call_key(call[0], {"stride": 2, "padding": (0, 1)}) != references.args_key(*call)
    writable = np.array(image)
    key = references.call_key([writable, call[0][1]], call[1])
    writable[0, 0, 0, 0] = 99.0  # it may change between calls: never remembered by identity
    assert references.call_key([writable, call[0][1]], call[1]) != key
    view = _frozen(np.arange(24.0)).reshape(1, 1, 4, 6)[:, :, :3, :4]  # a view: its base could change under it
    assert references.call_key([view, call[0][1]], call[1]) == references.args_key([view, call[0][1]], call[1])
    assert len(references._KEYS) == 3  # the frozen calls only


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


def _call(exercise, case_name):
    case = next(case for case in exercise.cases if case.name == case_name)
    return call_parts(exercise, build_args(exercise, case, None))


def _public_calls(exercise):
    return [call_parts(exercise, build_args(exercise, case, None)) for case in exercise.cases
            if not case.hidden and case.check == "values"]


def test_a_swapped_block_runs_inside_the_reference_and_is_put_back(monkeypatch):
    monkeypatch.setattr(references, "_BATCH_MEMO", None)
    import solutions
    from solutions import conv, network
    exercise = find_exercise("exercise-1")
    flip = next(item for item in exercise.misconceptions if item.name == "kernel flipped")
    assert flip.replaces == "solutions.conv.conv2d"
    for (image, kernel), _ in _public_calls(exercise):
        got = reference_function(exercise, flip)(image, kernel)
        np.testing.assert_allclose(got, solutions.conv2d_single(image, np.asarray(kernel)[::-1, ::-1]), atol=1e-12)
    assert network.conv2d is conv.conv2d is solutions.conv2d and conv.conv2d.__name__ == "conv2d"


def test_the_network_gets_the_layers_mistakes(monkeypatch):
    monkeypatch.setattr(references, "_BATCH_MEMO", None)
    import solutions
    exercise = find_exercise("exercise-5")
    relu_missing = next(item for item in exercise.misconceptions if item.name == "ReLU missing")
    average = next(item for item in exercise.misconceptions if item.name == "average instead of max")
    (x, params), _ = _public_calls(exercise)[0]
    conv = solutions.conv2d(x, params["conv_w"], params["conv_b"], padding=1)
    flat = lambda maps: maps.reshape(len(maps), -1)  # noqa: E731
    no_relu = solutions.linear(flat(solutions.maxpool2d(conv, 2)), params["fc_w"], params["fc_b"])
    np.testing.assert_allclose(reference_function(exercise, relu_missing)(x, params), no_relu, atol=1e-12)
    pooled = conv.clip(min=0).reshape(*conv.shape[:2], conv.shape[2] // 2, 2, conv.shape[3] // 2, 2).mean(axis=(3, 5))
    np.testing.assert_allclose(reference_function(exercise, average)(x, params),
                               solutions.linear(flat(pooled), params["fc_w"], params["fc_b"]), atol=1e-12)


def test_a_variant_that_calls_its_block_reaches_the_real_one_and_a_failure_restores_it():
    from grader.grading.swap import swapped
    from solutions import conv, network
    real = conv.conv2d
    seen = []

    def doubled(*args, **kwargs):
        seen.append(conv.conv2d)  # the name the variant's own module sees: still the stand-in while it runs
        return 2 * conv.conv2d(*args, **kwargs)  # ...which hands a call made from inside the variant to the block

    exercise = find_exercise("exercise-5")
    (x, params), _ = _public_calls(exercise)[0]
    run = swapped("solutions", resolve_reference(exercise.reference), real, doubled)
    conv_out = 2 * real(x, params["conv_w"], params["conv_b"], padding=1)
    pooled = network.maxpool2d(np.maximum(conv_out, 0), 2)
    np.testing.assert_allclose(run(x, params), network.linear(pooled.reshape(len(x), -1), params["fc_w"],
                                                              params["fc_b"]), atol=1e-12)
    assert len(seen) == 1 and seen[0] is not real and conv.conv2d is real

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        swapped("solutions", resolve_reference(exercise.reference), real, broken)(x, params)
    assert conv.conv2d is real and network.conv2d is real


def test_the_learner_edition_answers_for_family_mistakes_too(tmp_path, monkeypatch):
    monkeypatch.setattr(references, "_BATCH_MEMO", None)
    exercise = find_exercise("exercise-8")
    shipped = dataclasses.replace(exercise, path=str(tmp_path / "exercise-8.yaml"), edition="learner")
    np.savez(npz_path(shipped.path), **compute(exercise))
    item = next(item for item in exercise.misconceptions if item.name == "kernel transposed")
    positional, keyword = _public_calls(exercise)[-1]
    np.testing.assert_array_equal(reference_function(shipped, item)(*positional, **keyword),
                                  reference_function(exercise, item)(*positional, **keyword))
