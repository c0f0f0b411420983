"""Input perturbations: a learner's output that is the reference's on a misread argument gets that misreading named;
correct, noisy or unrelated outputs get nothing, and the call's arguments are never changed."""

from __future__ import annotations

import copy
import dataclasses
import time

import numpy as np
import pytest

from grader.grading.diagnosis.model import Evidence, Sizes
from grader.grading.diagnosis.perturb import MAX_PERTURBATIONS, find_perturbation, perturbations
from grader.grading.inputs import build_args, call_parts
from grader.grading.references import reference_function
from grader.spec.course import exercises_dir
from grader.spec.loader import load_exercise
from grader.spec.model import Tolerance


def find_exercise(exercise_id: str):
    """The real exercise; its declared mistakes are not needed here, so their references are not checked."""
    return load_exercise(exercises_dir() / f"{exercise_id}.yaml", check_references=False)


def case_call(exercise_id: str, case_name: str):
    exercise = find_exercise(exercise_id)
    case = next(case for case in exercise.cases if case.name == case_name)
    positional, keyword = call_parts(exercise, build_args(exercise, case, None))
    return exercise, positional, keyword


def evidence_for(exercise, positional, keyword, got, part=0, hidden=False) -> Evidence:
    expected = reference_function(exercise)(*positional, **keyword)
    expected = list(expected) if isinstance(expected, tuple) else [expected]
    got = list(got) if isinstance(got, tuple) else [got]
    label = exercise.entry.output_names[part] if exercise.entry.output_names else "output"
    return Evidence(positional=positional, keyword=keyword, expected=expected, got=got, part=part, label=label,
                    tolerance=exercise.tolerance, sizes=Sizes(), hidden=hidden)


def diagnose(exercise, positional, keyword, got, part=0, hidden=False, reference=None, prefer=()):
    evidence = evidence_for(exercise, positional, keyword, got, part, hidden)
    reference = reference or reference_function(exercise)
    return find_perturbation(evidence, exercise, reference, time.monotonic() + 30, prefer=prefer)


def conv(exercise, positional, keyword, **changes):
    """The reference conv2d on (x, weight) with some arguments replaced by the test's own mistake."""
    arguments = dict(zip(("x", "weight"), positional), **keyword)
    arguments.update(changes)
    return reference_function(exercise)(**arguments)


# --- mistakes found -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("flip, name", [
    (lambda w: w[:, :, ::-1, ::-1], "weight rotated 180°"),
    (lambda w: w[:, :, :, ::-1], "weight flipped left-right"),
    (lambda w: w[:, :, ::-1, :], "weight flipped upside down"),
])
def test_a_flipped_kernel_is_named_by_its_direction(flip, name):
    exercise, positional, keyword = case_call("exercise-2", "batch of 3 with many channels")
    found = diagnose(exercise, positional, keyword, conv(exercise, positional, keyword, weight=flip(positional[1])))
    assert found is not None and found.name == name and found.source == "structural"
    assert "weight[..., 0, 0] multiplies the window's top-left pixel" in found.explanation


def test_the_true_convolution_flip_is_called_so_and_quoted_with_a_value():
    exercise, positional, keyword = case_call("exercise-1", "hidden large image")
    flipped = positional[1][::-1, ::-1]
    got = reference_function(exercise)(positional[0], flipped)
    found = diagnose(exercise, positional, keyword, got)
    assert found.name == "kernel rotated 180°" and "textbook convolution" in found.explanation
    assert "for example, both give" in found.evidence and "output[" in found.evidence
    assert "output[" not in found.hidden_evidence and found.hidden_evidence


def test_a_transposed_non_square_kernel_is_found():
    exercise, positional, keyword = case_call("exercise-2", "non-square input and kernel")  # weight (2, 2, 2, 3)
    got = conv(exercise, positional, keyword, weight=positional[1].transpose(0, 1, 3, 2))
    assert diagnose(exercise, positional, keyword, got).name == "weight transposed"


@pytest.mark.parametrize("case_name, changes, name", [
    ("stride 2", {"stride": 1}, "stride ignored"),
    ("padding 1 keeps the size", {"padding": 0}, "padding ignored"),
    ("bias added per filter", {"bias": None}, "bias never added"),
    ("asymmetric stride and padding", {"stride": [1, 2], "padding": [0, 2]}, "stride pair swapped"),
    ("asymmetric stride and padding", {"padding": [2, 0]}, "padding pair swapped"),
    ("asymmetric stride and padding", {"stride": [2, 2]}, "only the first number of stride used"),
    ("asymmetric stride and padding", {"padding": [2, 2]}, "only the second number of padding used"),
])
def test_ignored_or_misread_numbers_are_named(case_name, changes, name):
    exercise, positional, keyword = case_call("exercise-2", case_name)
    found = diagnose(exercise, positional, keyword, conv(exercise, positional, keyword, **changes))
    assert found is not None and found.name == name


def test_stride_only_in_the_size_is_the_stride_1_output_cropped():
    exercise, positional, keyword = case_call("exercise-2", "stride with a remainder")
    full = conv(exercise, positional, keyword, stride=1)
    want = conv(exercise, positional, keyword)
    found = diagnose(exercise, positional, keyword, full[:, :, :want.shape[2], :want.shape[3]])
    assert found.name == "stride only in the output size" and "top-left corner" in found.evidence


def test_an_output_one_row_and_column_short_is_not_called_a_stride_mistake():
    exercise, positional, keyword = case_call("exercise-2", "stride with a remainder")  # (1, 1, 2, 2) expected
    short = conv(exercise, positional, keyword)[:, :, :1, :1]  # also the stride-1 output's top-left corner
    assert diagnose(exercise, positional, keyword, short) is None


def test_a_row_kernel_reversed_is_called_flipped_left_right_not_rotated():
    exercise, positional, keyword = case_call("exercise-2", "non-square input and kernel")
    row = positional[1][:, :, :1, :]  # (2, 2, 1, 3): rotating it is reversing it
    call = [positional[0], row]
    got = conv(exercise, call, keyword, weight=row[:, :, :, ::-1])
    assert diagnose(exercise, call, keyword, got).name == "weight flipped left-right"


def test_a_pooling_pair_read_the_other_way_round():
    exercise, positional, keyword = case_call("exercise-3", "hidden remainder both axes")
    arguments = dict(zip(("x", "kernel_size"), positional), **keyword)
    high, wide = arguments["kernel_size"]
    got = reference_function(exercise)(**{**arguments, "kernel_size": (wide, high)})
    assert diagnose(exercise, positional, keyword, got).name == "kernel_size pair swapped"


def undeclared(exercise):
    """The exercise without its declared axis names: arrays are then told apart by their names and sizes."""
    return dataclasses.replace(exercise, entry=dataclasses.replace(exercise.entry, axes=()))


def test_entries_of_a_parameter_dict_are_perturbed_too():
    exercise, positional, keyword = case_call("exercise-5", "RGB batch")
    x, params = positional
    reference = reference_function(exercise)
    no_bias = reference(x, {**params, "conv_b": np.zeros_like(params["conv_b"])})
    assert diagnose(exercise, positional, keyword, no_bias).name == "conv_b never added"
    fc_w = params["fc_w"]  # (K, D): flat @ fc_w.reshape(D, K) instead of flat @ fc_w.T
    reshaped = reference(x, {**params, "fc_w": fc_w.reshape(fc_w.shape[1], fc_w.shape[0]).T})
    found = diagnose(exercise, positional, keyword, reshaped)
    assert found.name == "fc_w reshaped to (F*H'*W', K) instead of transposed"
    assert "params['fc_w'].T" in found.explanation
    found = diagnose(undeclared(exercise), positional, keyword, reshaped)
    assert found.name == "fc_w reshaped where a transpose was needed"


def test_a_backward_pass_compares_the_failing_part_and_finds_a_reshaped_kernel():
    exercise, positional, keyword = case_call("exercise-6", "hidden everything combined")
    dout, x, weight = positional
    count, channels = weight.shape[:2]
    assert count != channels  # otherwise the reshape would be the transpose itself
    scrambled = weight.reshape(channels, count, *weight.shape[2:]).transpose(1, 0, 2, 3)
    got = reference_function(exercise)(dout, x, scrambled, **keyword)
    found = diagnose(exercise, positional, keyword, got, part=0)
    assert found.name == "weight reshaped to (C, F, KH, KW) instead of transposed" and "dx[" in found.evidence
    assert "weight.transpose(1, 0, 2, 3)" in found.explanation
    # dweight does not depend on weight: the same mistake gives the right dweight, so it proves nothing there
    assert diagnose(exercise, positional, keyword, got, part=1) is None


def test_axis_names_come_from_the_declaration_or_fall_back_to_positions():
    exercise, positional, keyword = case_call("exercise-2", "hidden padding larger than 1")  # weight (2, 2, 3, 3)
    got = conv(exercise, positional, keyword, weight=positional[1].transpose(1, 0, 2, 3))
    found = diagnose(exercise, positional, keyword, got)
    assert found.name == "weight read as (C, F, KH, KW)" and "weight[f, c, ...]" in found.explanation
    assert diagnose(undeclared(exercise), positional, keyword, got).name == "weight's first two axes swapped"
    flipped = conv(exercise, positional, keyword, weight=positional[1][:, :, ::-1, ::-1])
    assert diagnose(undeclared(exercise), positional, keyword, flipped).name == "weight rotated 180°"


# --- nothing to say -------------------------------------------------------------------------------------------

def test_a_correct_output_with_float_noise_gets_no_diagnosis():
    exercise, positional, keyword = case_call("exercise-2", "hidden asymmetric everything")
    want = conv(exercise, positional, keyword)
    assert diagnose(exercise, positional, keyword, want * (1 + 1e-12)) is None


def test_an_unrelated_wrong_output_gets_no_diagnosis():
    exercise, positional, keyword = case_call("exercise-2", "hidden asymmetric everything")
    want = conv(exercise, positional, keyword)
    assert diagnose(exercise, positional, keyword, want * 2 + 1) is None
    assert diagnose(exercise, positional, keyword, np.zeros_like(want)) is None


def test_an_all_zero_answer_is_too_common_to_name_a_cause():
    exercise, positional, keyword = case_call("exercise-5", "everything switched off")  # the scores are fc_b
    x, params = positional
    zeros = reference_function(exercise)(x, {**params, "fc_b": np.zeros_like(params["fc_b"])})
    assert not np.any(zeros)  # what "fc_b never added" gives here, and also what `return np.zeros(...)` gives
    assert diagnose(exercise, positional, keyword, zeros) is None


def test_a_perturbation_that_changes_nothing_is_never_built():
    exercise, positional, keyword = case_call("exercise-2", "integer inputs")  # a symmetric Laplacian kernel
    names = [item.name for item in perturbations(exercise, positional, keyword)]
    assert not any(name.startswith("weight") for name in names)
    exercise, positional, keyword = case_call("exercise-2", "identity 1x1 kernel")
    assert not any(item.name.startswith("weight") for item in perturbations(exercise, positional, keyword))


def test_a_perturbation_that_gives_the_expected_output_proves_nothing():
    exercise, positional, keyword = case_call("exercise-2", "asymmetric kernel is not flipped")
    flat = [np.ones_like(positional[0])] + positional[1:]  # on a constant image a flipped kernel changes nothing
    want = conv(exercise, flat, keyword)
    assert diagnose(exercise, flat, keyword, want) is None


def test_inputs_are_never_changed():
    exercise, positional, keyword = case_call("exercise-5", "RGB batch")
    before = copy.deepcopy((positional, keyword))
    x, params = positional
    got = reference_function(exercise)(x, {**params, "fc_b": np.zeros_like(params["fc_b"])})
    items = perturbations(exercise, positional, keyword)
    assert diagnose(exercise, positional, keyword, got).name == "fc_b never added"
    np.testing.assert_array_equal(positional[0], before[0][0])
    assert params.keys() == before[0][1].keys()
    for key, value in params.items():
        np.testing.assert_array_equal(value, before[0][1][key])
    assert x.flags.writeable and all(value.flags.writeable for value in params.values())
    for item in items:  # a reference that writes into its arguments fails instead of changing the case's arrays
        passed = [item.positional[0], *item.positional[1].values()]
        assert not any(value.flags.writeable and np.shares_memory(value, original)
                       for value in passed for original in [x, *params.values()])


def test_the_search_stops_at_the_deadline():
    exercise, positional, keyword = case_call("exercise-2", "stride 2")
    evidence = evidence_for(exercise, positional, keyword, conv(exercise, positional, keyword, stride=1))
    assert find_perturbation(evidence, exercise, reference_function(exercise), time.monotonic() - 1) is None


def test_a_perturbed_call_that_raises_is_skipped():
    exercise, positional, keyword = case_call("exercise-2", "stride 2")
    evidence = evidence_for(exercise, positional, keyword, conv(exercise, positional, keyword, stride=1))

    def fussy(*args, **kwargs):
        raise ValueError("no")

    assert find_perturbation(evidence, exercise, fussy, time.monotonic() + 10) is None


def test_perturbations_stay_few_and_have_distinct_names():
    for exercise_id in ("exercise-2", "exercise-5", "exercise-6"):
        exercise = find_exercise(exercise_id)
        for case in exercise.cases:
            items = perturbations(exercise, *call_parts(exercise, build_args(exercise, case, None)))
            names = [item.name for item in items]
            assert len(names) <= MAX_PERTURBATIONS <= 30 and len(set(names)) == len(names)


def test_tolerance_comes_from_the_case():
    exercise, positional, keyword = case_call("exercise-2", "stride 2")
    got = conv(exercise, positional, keyword, stride=1)
    evidence = dataclasses.replace(evidence_for(exercise, positional, keyword, got + 1e-3),
                                   tolerance=Tolerance(rtol=0, atol=1e-2))
    assert find_perturbation(evidence, exercise, reference_function(exercise), time.monotonic() + 10).name \
        == "stride ignored"


# --- one entry of a summed axis counted -------------------------------------------------------------------------

def backward(exercise, dout, x, weight, keyword):
    return reference_function(exercise)(dout, x, weight, **keyword)


@pytest.mark.parametrize("which, cut", [("first", slice(0, 1)), ("last", slice(-1, None))])
def test_dweight_from_one_image_only_is_named(which, cut):
    exercise, positional, keyword = case_call("exercise-6", "hidden everything combined")  # N = 2
    dout, x, weight = positional
    dx, dweight, dbias = backward(exercise, dout, x, weight, keyword)
    one_image = backward(exercise, dout[cut], x[cut], weight, keyword)[1]
    found = diagnose(exercise, positional, keyword, (dx, one_image, dbias), part=1)
    assert found.name == f"dweight from the {which} image only" and found.source == "structural"
    shown = "0:1" if which == "first" else "-1:"
    assert f"dout[{shown}] and x[{shown}] (the {which} image only) gives exactly your dweight" in found.evidence
    assert "dweight[" in found.evidence
    assert "+=" in found.explanation and "dweight[" not in found.hidden_evidence


def test_dbias_from_the_first_image_only_is_named():
    exercise, positional, keyword = case_call("exercise-6", "dbias sums over batch and positions")  # N = 3
    dout, x, weight = positional
    dx, dweight, _ = backward(exercise, dout, x, weight, keyword)
    found = diagnose(exercise, positional, keyword, (dx, dweight, dout[0].sum(axis=(1, 2))), part=2)
    assert found.name == "dbias from the first image only"


def test_a_conv_that_keeps_only_the_last_input_channel_is_named():
    exercise, positional, keyword = case_call("exercise-2", "hidden asymmetric everything")  # C = 2, with bias
    x, weight = positional
    got = conv(exercise, [x[:, -1:], weight[:, -1:]], keyword)
    found = diagnose(exercise, positional, keyword, got)
    assert found.name == "output from the last input channel only"
    assert "x[:, -1:] and weight[:, -1:] (the last input channel only)" in found.evidence
    assert "with = where it should add with +=" in found.explanation


def test_dict_entries_are_cut_too_but_never_an_axis_inside_a_product():
    exercise, positional, keyword = case_call("exercise-5", "RGB batch")  # x (2, 3, 6, 6), fc_w (5, 4*3*3)
    x, params = positional
    cut = [item for item in perturbations(exercise, positional, keyword) if item.cut_axis]
    # F is in fc_w's F*H'*W', N belongs to x alone, K to the scores (N, K) too
    assert {item.cut_axis for item in cut} == {"C"}
    got = reference_function(exercise)(x[:, :1], {**params, "conv_w": params["conv_w"][:, :1]})
    found = diagnose(exercise, positional, keyword, got)
    assert found.name == "output from the first input channel only"
    assert "params['conv_w'][:, 0:1]" in found.evidence


def test_an_output_that_keeps_the_cut_axis_is_not_explained_by_one_entry():
    exercise, positional, keyword = case_call("exercise-6", "hidden everything combined")
    dout, x, weight = positional
    dx, dweight, dbias = backward(exercise, dout, x, weight, keyword)
    first_dx = backward(exercise, dout[:1], x[:1], weight, keyword)[0]  # (1, C, H, W): dx of image 0 alone
    assert diagnose(exercise, positional, keyword, (first_dx, dweight, dbias), part=0) is None
    stacked = np.concatenate([first_dx, np.zeros_like(first_dx)])  # the expected shape, image 1 left at zero
    assert diagnose(exercise, positional, keyword, (stacked, dweight, dbias), part=0) is None


def test_one_entry_is_never_tried_where_entries_cannot_be_told_apart():
    exercise, positional, keyword = case_call("exercise-6", "hidden everything combined")
    dout, x, weight = positional
    alike = [np.repeat(dout[:1], 2, axis=0), np.repeat(x[:1], 2, axis=0), weight]  # image 1 is image 0 again
    assert not any(item.cut_axis == "N" for item in perturbations(exercise, alike, keyword))
    halved = backward(exercise, *alike, keyword)
    halved = (halved[0], halved[1] / 2, halved[2])  # "dweight averaged over the batch", not "first image only"
    assert diagnose(exercise, alike, keyword, halved, part=1) is None
    single = case_call("exercise-6", "channels and filters")  # N = 1: nothing to cut
    assert not any(item.cut_axis == "N" for item in perturbations(*single))


@pytest.mark.parametrize("exercise_id, case_name", [
    ("exercise-6", "hidden everything combined"), ("exercise-5", "RGB batch"), ("exercise-2", "float32 inputs")])
def test_correct_outputs_with_float_noise_get_no_diagnosis_on_any_part(exercise_id, case_name):
    exercise, positional, keyword = case_call(exercise_id, case_name)
    want = reference_function(exercise)(*positional, **keyword)
    parts = list(want) if isinstance(want, tuple) else [want]
    noisy = [part * (1 + 1e-9) + 1e-12 for part in parts]
    for index in range(len(parts)):
        assert diagnose(exercise, positional, keyword, tuple(noisy) if len(noisy) > 1 else noisy[0], index) is None


def test_unrelated_wrong_gradients_get_no_diagnosis():
    exercise, positional, keyword = case_call("exercise-6", "hidden large layer")
    dx, dweight, dbias = reference_function(exercise)(*positional, **keyword)
    for part, wrong in ((1, (dx, dweight * 0.5, dbias)), (2, (dx, dweight, dbias + 1))):
        assert diagnose(exercise, positional, keyword, wrong, part=part) is None


# --- integer parameters and what was found before -----------------------------------------------------------------

def flatten_call(x, **keyword):
    return find_exercise("exercise-4"), [x], keyword


def test_start_dim_ignored_is_named_but_a_negative_start_dim_that_is_the_default_is_never_tried():
    exercise, positional, keyword = flatten_call(np.arange(120.0).reshape(2, 3, 4, 5), start_dim=2)
    per_image = positional[0].reshape(2, -1)
    assert diagnose(exercise, positional, keyword, per_image).name == "start_dim ignored"
    exercise, positional, keyword = flatten_call(positional[0], start_dim=-3)  # axis 1 of a 4-D input
    assert not any(item.name == "start_dim ignored" for item in perturbations(exercise, positional, keyword))
    exercise, positional, keyword = flatten_call(positional[0], start_dim=-2)
    assert any(item.name == "start_dim ignored" for item in perturbations(exercise, positional, keyword))


def counting(exercise):
    """The reference, counting its calls."""
    calls = []
    reference = reference_function(exercise)

    def counted(*args, **kwargs):
        calls.append(1)
        return reference(*args, **kwargs)
    return counted, calls


def test_names_found_before_are_tried_first():
    exercise, positional, keyword = case_call("exercise-2", "hidden asymmetric everything")
    got = conv(exercise, positional, keyword, weight=positional[1][:, :, :, ::-1])
    reference, calls = counting(exercise)
    assert diagnose(exercise, positional, keyword, got, reference=reference).name == "weight flipped left-right"
    assert len(calls) > 3
    reference, calls = counting(exercise)
    found = diagnose(exercise, positional, keyword, got, reference=reference,
                     prefer=["stride ignored", "weight flipped left-right"])
    assert found.name == "weight flipped left-right" and len(calls) == 2  # stride ignored, then the flip
    reference, calls = counting(exercise)
    assert diagnose(exercise, positional, keyword, got, reference=reference, prefer=["no such name"]) is not None
