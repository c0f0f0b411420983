"""Comparing a learner's array with the reference: shape first, NaN never passing, precise value reports."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from grader.grading.compare import compare, matches, shape_text
from grader.results import Kind
from grader.spec.model import Tolerance

TOL = Tolerance(rtol=1e-6, atol=1e-8)
RULE = "OH = (H + 2*pad_h - KH) // stride_h + 1"


def test_equal_arrays_pass():
    expected = np.random.default_rng(0).standard_normal((2, 3, 4))
    assert compare(expected, expected.copy(), TOL).passed


_SPECIAL = st.sampled_from([0.0, -0.0, 1e-9, 1.0, 1e300, -1e300, np.inf, -np.inf, np.nan])
_VALUES = st.one_of(st.floats(-1e6, 1e6), _SPECIAL)


@settings(max_examples=300, deadline=None)
@given(hnp.arrays(np.float64, 6, elements=_VALUES), hnp.arrays(np.float64, 6, elements=_VALUES),
       st.sampled_from([Tolerance(rtol=1e-6, atol=1e-8), Tolerance(rtol=0.0, atol=0.0), Tolerance(rtol=1e-3, atol=1.0)]),
       st.lists(st.booleans(), min_size=6, max_size=6))
def test_a_pass_is_np_isclose_everywhere_without_nan_or_unexpected_infinity(expected, got, tol, copy):
    got = np.where(copy, expected, got)  # many values equal to the reference's, infinities and NaN included
    with np.errstate(invalid="ignore"):
        allowed = ~np.isnan(got) & ~(np.isinf(got) & (got != expected))
    verdict = compare(expected, got, tol)
    assert verdict.passed == bool(allowed.all() and np.isclose(got, expected, rtol=tol.rtol, atol=tol.atol).all())
    if not verdict.passed:
        assert verdict.kind in (Kind.NAN, Kind.VALUES) and verdict.details.get("mismatches", 1) >= 1


def test_shape_mismatch_names_both_shapes_and_the_rule():
    verdict = compare(np.zeros((1, 2, 3, 3)), np.zeros((1, 2, 4, 4)), TOL, shape_rule=RULE)
    assert not verdict.passed and verdict.kind == Kind.SHAPE
    assert "Expected the output to have shape (1, 2, 3, 3), but it has shape (1, 2, 4, 4)." in verdict.message
    assert verdict.message.endswith(f"The rule: {RULE}")
    assert verdict.details == {"expected_shape": [1, 2, 3, 3], "got_shape": [1, 2, 4, 4]}
    assert "(1, 2" not in verdict.brief  # the hidden-case text carries no shapes


def test_shape_mismatch_spots_flattening_and_axis_order():
    flat = compare(np.zeros((2, 3, 4)), np.zeros((2, 12)), TOL)
    assert "a 2-D array where a 3-D one was expected — was something flattened or squeezed?" in flat.message
    assert flat.brief == "The output has the wrong shape (2-D, expected 3-D)."
    moved = compare(np.zeros((2, 3, 4, 5)), np.zeros((2, 4, 5, 3)), TOL)
    assert "check the axis order" in moved.message


def test_shape_text_of_one_dimension_has_the_tuple_comma():
    assert shape_text((5,)) == "(5,)" and shape_text(np.zeros((2, 3)).shape) == "(2, 3)"


def test_values_mismatch_reports_first_index_and_largest_error():
    rng = np.random.default_rng(1)
    expected = rng.standard_normal((2, 3, 4))
    got = expected.copy()
    got[0, 1, 2] += 0.5
    got[1, 2, 3] -= 2.0
    verdict = compare(expected, got, TOL)
    assert verdict.kind == Kind.VALUES
    assert verdict.details["first_index"] == [0, 1, 2] and verdict.details["worst_index"] == [1, 2, 3]
    assert verdict.details["max_abs_error"] == pytest.approx(2.0)
    assert verdict.details["mismatches"] == 2 and verdict.details["size"] == 24
    assert f"expected {expected[0, 1, 2]:.6g}, got {got[0, 1, 2]:.6g}" in verdict.message
    assert "2 of 24 values differ" in verdict.message and "Largest error 2 at index (1, 2, 3)" in verdict.message
    assert "index" not in verdict.brief and "2 of 24 values are wrong" in verdict.brief


@pytest.mark.parametrize("rtol, atol", [(1e-6, 1e-8), (1e-3, 0.0), (0.0, 1e-2)])
def test_tolerance_is_honoured_on_both_sides_of_the_bound(rtol, atol):
    expected = np.array([1.0, -20.0, 300.0])
    bound = atol + rtol * np.abs(expected)  # numpy.isclose: |got - expected| <= atol + rtol * |expected|
    tol = Tolerance(rtol, atol)
    assert compare(expected, expected + 0.5 * bound, tol).passed
    assert not compare(expected, expected + 2.0 * bound + 1e-12, tol).passed


def test_nan_never_passes_even_where_the_reference_has_nan():
    got = np.array([1.0, np.nan, 3.0])
    verdict = compare(np.array([1.0, 2.0, 3.0]), got, TOL)
    assert verdict.kind == Kind.NAN and verdict.details == {"first_index": [1], "nonfinite": 1}
    assert "NaN at index (1,)" in verdict.message and "finite number was expected" in verdict.message
    both = compare(np.array([1.0, np.nan]), np.array([1.0, np.nan]), TOL)
    assert not both.passed and both.kind == Kind.NAN


def test_infinity_passes_only_where_expected():
    assert compare(np.array([1.0, np.inf]), np.array([1.0, np.inf]), TOL).passed
    verdict = compare(np.array([1.0, 2.0]), np.array([1.0, -np.inf]), TOL)
    assert verdict.kind == Kind.NAN and "infinity at index (1,)" in verdict.message
    assert compare(np.array([np.inf]), np.array([-np.inf]), TOL).kind == Kind.NAN


def test_details_stay_strict_json_when_the_reference_is_not_finite():
    verdict = compare(np.array([1.0, np.nan]), np.array([1.0, 5.0]), TOL)
    assert verdict.kind == Kind.VALUES
    json.dumps(verdict.details, allow_nan=False)  # raises on NaN/Infinity literals
    assert verdict.details["expected_at_first"] == "nan"


@pytest.mark.parametrize("expected_dtype, got_dtype", [("float64", "int64"), ("int64", "float64"),
                                                       ("float32", "float64"), ("int32", "uint8")])
def test_integer_and_float_outputs_compare_by_value(expected_dtype, got_dtype):
    values = np.array([[0, 3], [7, 12]])
    assert compare(values.astype(expected_dtype), values.astype(got_dtype), TOL).passed
    off = values.astype(got_dtype)
    off[1, 1] += 1
    verdict = compare(values.astype(expected_dtype), off, TOL)
    assert verdict.details["first_index"] == [1, 1] and verdict.details["max_abs_error"] == 1.0


def test_matches_recognises_a_variant_loosely_but_not_a_different_shape():
    expected = np.linspace(0, 1, 12).reshape(3, 4)
    assert matches(expected, expected + 1e-7, TOL)
    assert not matches(expected, expected + 1e-3, TOL)
    assert not matches(expected, expected.reshape(4, 3), TOL)
    assert not matches(expected, np.full((3, 4), np.nan), TOL)


# --- the axis-order gloss names each output's own axes, read from the exercise's shape rule ----------------------

def _axis_message(exercise_id: str, label: str, expected_shape: tuple) -> str:
    from grader.spec.catalog import find_exercise
    rule = find_exercise(exercise_id).entry.shape_rule
    swapped = expected_shape[::-1]
    assert sorted(swapped) == sorted(expected_shape) and swapped != expected_shape
    return compare(np.zeros(expected_shape), np.zeros(swapped), TOL, shape_rule=rule, label=label).message


def test_axis_order_gloss_of_dweight_names_filters_channels_and_kernel_axes():
    message = _axis_message("exercise-6", "dweight", (4, 3, 2, 5))
    assert "check the axis order (F, C, KH, KW: filters first, then channels, kernel height, kernel width)" in message
    assert "NCHW" not in message and "batch" not in message


def test_axis_order_gloss_of_dx_names_batch_channels_height_width():
    for exercise_id in ("exercise-6", "exercise-7"):
        message = _axis_message(exercise_id, "dx", (2, 3, 4, 5))
        assert "(N, C, H, W: batch first, then channels, height, width)" in message


def test_axis_order_gloss_of_a_conv_output_names_filters_and_of_a_flatten_output_features():
    assert "(N, F, OH, OW: batch first, then filters, height, width)" in _axis_message("exercise-2", "output",
                                                                                     (2, 3, 4, 5))
    assert "(N, features: batch first, then features)" in _axis_message("exercise-4", "output", (2, 6))
    assert "(N, K: batch first, then classes)" in _axis_message("exercise-5", "output", (2, 6))
    assert "(OH, OW: height first, then width)" in _axis_message("exercise-1", "output", (3, 5))


def test_axis_order_without_declared_axes_says_only_to_check_the_order():
    moved = compare(np.zeros((2, 3, 4)), np.zeros((4, 3, 2)), TOL, shape_rule="three axes, merged later", label="y")
    assert "The same sizes in another order: check the axis order." in moved.message


def test_declared_axes_prefers_the_tuple_after_the_output_name_and_else_the_last_one():
    from grader.grading.compare import declared_axes
    rule = "dx has the shape of x (N, C, H, W), dweight that of weight (F, C, KH, KW), and dbias is (F,)."
    assert declared_axes(rule, "dweight", 4) == ["F", "C", "KH", "KW"]
    assert declared_axes(rule, "dx", 4) == ["N", "C", "H", "W"]
    assert declared_axes("(N, C, H, W) gives class scores (N, K)", "output", 2) == ["N", "K"]
    assert declared_axes("OH = (H - KH) // stride + 1", "output", 4) == []
