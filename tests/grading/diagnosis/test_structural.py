"""Structural analysis of a wrong output: each finding on a realistic mistake, and silence where the output alone
proves nothing (float noise, unrelated values, one wrong value, tiny arrays)."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader.grading.diagnosis.model import Evidence, Sizes
from grader.grading.diagnosis.structural import analyse_output
from grader.spec.model import Tolerance

TOL = Tolerance(rtol=1e-6, atol=1e-8)
CONV_AXES = {"x": ("N", "C", "H", "W"), "output": ("N", "F", "OH", "OW"), "dx": ("N", "C", "H", "W"),
             "dbias": ("F",)}


def conv(x: np.ndarray, weight: np.ndarray, padding: int = 0) -> np.ndarray:
    """A plain cross-correlation, as the learner should write it."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(x, weight.shape[2:], axis=(2, 3))
    return np.einsum("nchwij,fcij->nfhw", windows, weight)


RNG = np.random.default_rng(7)
X = RNG.standard_normal((2, 3, 7, 7))
WEIGHT = RNG.standard_normal((4, 3, 3, 3))
OUT = conv(X, WEIGHT, padding=1)  # (2, 4, 7, 7)
SIZES = {"N": 2, "C": 3, "H": 7, "W": 7, "F": 4, "KH": 3, "KW": 3, "OH": 7, "OW": 7}


def evidence(have, want=OUT, label="output", hidden=False, lines=(), named=None, axes=None, inputs=None):
    sizes = Sizes(named=dict(SIZES if named is None else named), axes=dict(CONV_AXES if axes is None else axes))
    return Evidence(positional=[X, WEIGHT] if inputs is None else inputs, keyword={}, expected=[want],
                    got=[np.asarray(have)], part=0, label=label, tolerance=TOL, sizes=sizes, hidden=hidden,
                    source_lines=tuple(lines))


def has_no_numbers(text: str) -> bool:
    return not re.search(r"\d", re.sub(r"(int|float)\d+", "", text))


# --- scale and sign ---------------------------------------------------------------------------------------------

def test_a_window_mean_is_one_kernel_area_of_the_sum():
    found = analyse_output(evidence(OUT / 9))
    assert found.name == "constant factor" and found.source == "structural"
    assert "every value is 1/9 of the expected: 1/(KH·KW), the kernel's area" in found.evidence
    assert re.search(r"expected -?[\d.]+, got -?[\d.]+ at index \(", found.evidence)
    assert "averaged where they should be summed" in found.explanation


def test_hidden_scale_evidence_names_the_size_without_values():
    found = analyse_output(evidence(OUT / 9, hidden=True))
    assert found.hidden_evidence == ("every value is the expected one divided by a constant equal to the kernel's "
                                     "area (KH·KW)")
    assert has_no_numbers(found.hidden_evidence)


def test_a_gradient_averaged_over_the_batch():
    dbias = RNG.standard_normal(6) * 3
    found = analyse_output(evidence(dbias / 4, want=dbias, label="dbias", named={"N": 4, "F": 6}))
    assert "1/N, the batch size" in found.evidence
    assert found.explanation.startswith("The gradient was averaged over the batch")


def test_a_small_gradient_divided_exactly_by_a_named_size():
    dbias = np.array([-7.39689, 2.5])
    found = analyse_output(evidence(dbias / 3, want=dbias, label="dbias", named={"N": 3, "F": 2}))
    assert found.name == "constant factor" and "every value is 1/3 of the expected: 1/N, the batch size" in \
        found.evidence
    float32 = np.array([5.81798, -1.25, 3.5], dtype=np.float32)
    found = analyse_output(evidence(float32 / np.float32(2), want=float32, label="dbias", named={"N": 2, "F": 3}))
    assert found is not None and found.name == "constant factor"


def test_a_small_output_needs_an_exact_named_factor_on_more_than_one_value():
    dbias = np.array([-7.39689, 2.5])
    named = {"N": 3, "F": 2}
    assert analyse_output(evidence(dbias / 5, want=dbias, label="dbias", named=named)) is None  # 5 names nothing
    nearly = dbias / 3 * np.array([1 + 3e-7, 1 - 3e-7])  # within the case's tolerance, but not exactly 1/3
    assert analyse_output(evidence(nearly, want=dbias, label="dbias", named=named)) is None
    one = np.array([-7.39689, 0.0])
    assert analyse_output(evidence(one / 3, want=one, label="dbias", named=named)) is None
    assert analyse_output(evidence(dbias / 1.5, want=dbias, label="dbias", named=named)) is None


def test_two_sizes_equal_to_the_factor_are_both_named_and_neither_is_chosen():
    found = analyse_output(evidence(OUT / 2, named={**SIZES, "N": 2, "C": 2}))
    assert found.evidence.endswith("every value is 1/2 of the expected: 1/N or 1/C")
    assert "divided by N or C" in found.explanation


def test_an_unnamed_factor_is_given_as_a_number():
    found = analyse_output(evidence(OUT * 2.5))
    assert found.name == "constant factor" and found.evidence.endswith("every value is 2.5× the expected")
    assert found.hidden_evidence == "every value is the expected one multiplied by the same constant"


def test_negated_output():
    found = analyse_output(evidence(-OUT))
    assert found.name == "negated output" and "opposite sign" in found.evidence


def test_a_negation_that_a_flip_also_explains_is_not_claimed():
    sobel = np.array([[[[1.0, 0, -1], [2, 0, -2], [1, 0, -1]]]]) * 1.5  # flipped left-right, it is negated
    assert analyse_output(evidence(sobel[..., ::-1], want=sobel, label="dx")) is None


# --- layout ----------------------------------------------------------------------------------------------------

def test_channels_last_names_the_moved_axis():
    found = analyse_output(evidence(OUT.transpose(0, 2, 3, 1)))
    assert found.name == "axes in the wrong order"
    assert "in the order (N, OH, OW, F): filters (F) ended up last instead of second" in found.evidence
    assert "`.transpose(0, 3, 1, 2)`" in found.explanation
    fixed = OUT.transpose(0, 2, 3, 1).transpose(0, 3, 1, 2)
    assert np.array_equal(fixed, OUT)  # the advice, followed literally, gives the expected output


def test_swapped_rows_and_columns_of_the_same_size():
    found = analyse_output(evidence(OUT.transpose(0, 1, 3, 2)))
    assert found.name == "axes in the wrong order" and "rows (OH) and columns (OW) are swapped" in found.evidence


def test_axes_without_names_are_given_by_position():
    found = analyse_output(evidence(OUT.transpose(0, 2, 3, 1), axes={}))
    assert "what belongs on axis 1 is on your axis 3" in found.evidence


def test_a_reshape_where_a_transpose_belongs():
    have = OUT.transpose(0, 2, 3, 1).reshape(OUT.shape)  # an (N*OH*OW, F) matrix reshaped straight to NFHW
    found = analyse_output(evidence(have))
    assert found.name == "reshaped instead of transposed"
    assert "laid out as (N, OH, OW, F) and then reshaped straight to (2, 4, 7, 7)" in found.evidence
    assert "(2, 4" not in found.hidden_evidence


def test_a_transpose_after_a_wrong_split():
    have = OUT.reshape(2, 7, 7, 4).transpose(0, 3, 1, 2)
    found = analyse_output(evidence(have))
    assert found.name == "reshaped instead of transposed" and "moved to the order (0, 2, 3, 1)" in found.evidence


def test_a_flattened_output_read_in_another_order_of_its_declared_parts():
    want = X.reshape(2, -1)
    have = X.transpose(0, 2, 3, 1).reshape(2, -1)  # a flatten of a permuted array: no reshape scrambled anything
    found = analyse_output(evidence(have, want=want, axes={"output": ("N", "C*H*W")}, inputs=[]))
    assert found.name == "axes in the wrong order"
    assert found.evidence == ("your output (shape (2, 147)) holds the expected values, but merged with the parts in "
                              "the order (N, H, W, C): channels (C) ended up last instead of second")
    assert "`.transpose(0, 3, 1, 2)` right before the reshape" in found.explanation
    assert np.array_equal(X.transpose(0, 2, 3, 1).transpose(0, 3, 1, 2).reshape(2, -1), want)  # advice, literally


FLATTEN_AXES = {"x": ("N", "C", "H", "W"), "output": ("N", "C*H*W")}


def flatten_evidence(have, x, start, hidden=False):
    named = dict(zip(("N", "C", "H", "W"), x.shape)) if x.ndim == 4 else {}
    return evidence(have, want=x.reshape(x.shape[:start] + (-1,)), named=named, axes=FLATTEN_AXES, inputs=[x],
                    hidden=hidden)


def test_a_flatten_of_swapped_rows_and_columns_names_the_axes_never_a_reshape():
    x = RNG.standard_normal((3, 4, 2, 5))
    found = analyse_output(flatten_evidence(np.swapaxes(x, -1, -2).reshape(3, -1), x, 1))
    assert found.name == "axes in the wrong order"
    assert found.evidence == ("your output (shape (3, 40)) holds the values of `x`, but flattened in the order "
                              "(N, C, W, H): rows (H) and columns (W) are swapped")
    assert "Flatten them with the axes in the order (N, C, H, W)" in found.explanation
    assert "(3, 40)" not in found.hidden_evidence


def test_a_batch_of_one_names_the_simplest_order():
    x = RNG.standard_normal((1, 2, 3, 4))  # with N = 1, (C, N, W, H) reads the same as (N, C, W, H)
    found = analyse_output(flatten_evidence(np.swapaxes(x, -1, -2).reshape(1, -1), x, 1))
    assert "in the order (N, C, W, H): rows (H) and columns (W) are swapped" in found.evidence


def test_a_flatten_of_an_input_without_declared_axes_gives_them_by_position():
    x = RNG.standard_normal((2, 3, 2, 4, 3))
    found = analyse_output(flatten_evidence(np.swapaxes(x, -1, -2).reshape(2, 3, -1), x, 2))
    assert found.name == "axes in the wrong order"
    assert "the input's values, but flattened in the order (0, 1, 2, 4, 3) of its axes: axis 3 and axis 4 are " \
           "swapped" in found.evidence
    assert found.hidden_evidence == "your output holds the input's values, but flattened with its axes in another order"
    everything = RNG.standard_normal((2, 3, 4))
    found = analyse_output(flatten_evidence(np.swapaxes(everything, 0, 2).reshape(-1), everything, 0))
    assert found.name == "axes in the wrong order" and "axis 0 and axis 2 are swapped" in found.evidence


def test_a_flatten_of_unrelated_values_is_not_explained():
    x = RNG.standard_normal((3, 4, 2, 5))
    assert analyse_output(flatten_evidence(RNG.permutation(x.reshape(-1)).reshape(3, -1), x, 1)) is None


def test_right_values_in_the_wrong_shape():
    found = analyse_output(evidence(OUT.reshape(2, -1)))
    assert found.name == "right values, wrong shape"
    assert "shape (2, 196) where (2, 4, 7, 7) was expected" in found.evidence
    assert "reshape your result to the expected shape (N, F, OH, OW)" in found.explanation


def test_an_empty_slice_quotes_the_line():
    lines = ("def f(x, p):", "    dx = x[:, :, p:-p, p:-p]", "    return dx")
    found = analyse_output(evidence(np.zeros((2, 4, 0, 0)), lines=lines))
    assert found.name == "empty slice" and "rows (OH) and columns (OW) are empty" in found.evidence
    assert found.explanation.startswith("Probably line 2: `dx = x[:, :, p:-p, p:-p]`")


def test_an_empty_output_one_short_of_a_single_row_is_an_off_by_one():
    found = analyse_output(evidence(np.zeros((0, 0)), want=np.ones((1, 1)), axes={"output": ("OH", "OW")}))
    assert found.name == "output size off by one"


def test_one_row_and_column_short():
    found = analyse_output(evidence(OUT[..., :-1, :-1]))
    assert found.name == "output size off by one"
    assert found.evidence.endswith("one row and one column short; where both have values, yours match the "
                                   "expected ones")
    assert "+ 1 is probably missing" in found.explanation


def test_a_size_off_by_one_with_other_values_wrong_is_not_claimed():
    assert analyse_output(evidence(OUT[..., :-1] + 1.0)) is None  # one column short, and the values differ
    assert analyse_output(evidence(RNG.standard_normal((2, 4, 8, 8)))) is None


def test_padding_left_on_a_gradient():
    dx = RNG.standard_normal((2, 3, 5, 5))
    found = analyse_output(evidence(np.pad(dx, ((0, 0), (0, 0), (2, 2), (2, 2))), want=dx, label="dx"))
    assert found.name == "padding not removed" and "without 2 row(s) and 2 column(s) on each side" in found.evidence


# --- regions ---------------------------------------------------------------------------------------------------

def test_last_row_never_computed():
    have = OUT.copy()
    have[..., -1, :] = 0
    found = analyse_output(evidence(have))
    assert found.name == "last row or column wrong"
    assert found.evidence.startswith("everything matches except the last row, all zeros there")
    assert "range(OH - 1)" in found.explanation


def test_last_column_with_leftover_values():
    have = OUT.copy()
    have[..., -1] = RNG.standard_normal(have[..., -1].shape)
    found = analyse_output(evidence(have))
    assert found.evidence.startswith("everything matches except the last column, wrong there")
    assert "np.empty" in found.explanation


def test_padding_with_the_wrong_value_spoils_the_border_ring():
    have = conv(np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=0.5), WEIGHT)
    found = analyse_output(evidence(have))
    assert found.name == "border wrong"
    assert found.evidence.startswith("rows 1–5 and columns 1–5 (the inside) match; the outer ring of width 1 differs")
    assert found.hidden_evidence == "the inside matches; only an outer ring along the edges differs"


def test_only_the_top_and_left_edges_wrong():
    have = OUT.copy()
    have[..., 0, :] += 1.0
    have[..., :, 0] += 1.0
    found = analyse_output(evidence(have))
    assert found.name == "border wrong on one side" and "only the top and left edges differ" in found.evidence


def test_only_the_first_image_filled():
    have = OUT.copy()
    have[1:] = 0
    found = analyse_output(evidence(have))
    assert found.name == "only the first image is right"
    assert "image 0 matches; every other image differs, and they are all 0" in found.evidence
    assert "a return sits inside it" in found.explanation


def test_only_the_first_filter_right_without_names():
    have = OUT.copy()
    have[:, 1:] *= -2.0
    found = analyse_output(evidence(have, axes={}))
    assert found.name == "only the first entry is right" and "entry 0 along axis 1 matches" in found.evidence


def test_all_zeros_for_an_output_and_for_a_gradient():
    found = analyse_output(evidence(np.zeros_like(OUT)))
    assert found.name == "all zeros" and "assigns into that array" in found.explanation
    dx = RNG.standard_normal((2, 3, 5, 5))
    assert "copy" in analyse_output(evidence(np.zeros_like(dx), want=dx, label="dx")).explanation


def test_windows_shifted_by_one_row():
    have = conv(np.pad(X, ((0, 0), (0, 0), (0, 2), (1, 1))), WEIGHT)  # padding only below
    found = analyse_output(evidence(have))
    assert found.name == "windows shifted by one"
    assert "moved one row up: your position (i, j) holds the expected (i + 1)" in found.evidence
    assert "padding added on one side only" in found.explanation


# --- dtype -----------------------------------------------------------------------------------------------------

def test_integer_output_from_zeros_like_of_an_integer_input():
    image = RNG.integers(-5, 5, (2, 3, 7, 7))
    want = conv(image.astype(float), WEIGHT, padding=1)
    lines = ("def conv(x, w):", "    out = np.zeros_like(x)", "    out[...] = compute(x, w)", "    return out")
    found = analyse_output(evidence(np.trunc(want).astype(np.int64), want=want, lines=lines, inputs=[image, WEIGHT]))
    assert found.name == "integer output" and "with its fraction cut off" in found.evidence
    assert "Probably line 2: `out = np.zeros_like(x)` — zeros_like copies the integer dtype of `x`" in found.explanation


def test_integer_output_does_not_blame_zeros_like_when_every_input_is_float():
    lines = ("    out = np.zeros_like(x)", "    return out")
    found = analyse_output(evidence(np.round(OUT).astype(int), lines=lines))
    assert found.name == "integer output" and "rounded to a whole number" in found.evidence
    assert "line" not in found.explanation


def test_an_explicit_integer_dtype_on_the_returned_array_is_quoted():
    lines = ("    idx = np.zeros(n, dtype=int)", "    out = np.zeros(shape, dtype=np.int32)", "    return out")
    found = analyse_output(evidence(np.trunc(OUT).astype(np.int32), lines=lines))
    assert "Probably line 2: `out = np.zeros(shape, dtype=np.int32)`" in found.explanation


def test_integer_dtype_is_not_blamed_when_every_expected_value_is_whole():
    want = np.round(OUT * 3)
    assert analyse_output(evidence(np.zeros_like(want, dtype=int) + 1, want=want)) is None


def test_whole_values_that_wrapped_around_in_uint8():
    image = RNG.integers(0, 10, (6, 6))
    want = conv(image[None, None].astype(float), np.ones((1, 1, 3, 3)) * 20)[0, 0]  # whole numbers up to 1620
    found = analyse_output(evidence(want.astype(np.int64).astype(np.uint8), want=want, axes={}))
    assert found.name == "integer output" and found.evidence.endswith("every value is the expected one wrapped around")
    assert "uint8 holds only 0 to 255" in found.explanation and "fraction" not in found.explanation


def test_float32_output():
    want = conv(X * 1e3, WEIGHT)
    have = conv((X * 1e3).astype(np.float32), WEIGHT.astype(np.float32))
    found = analyse_output(evidence(have, want=want))
    assert found.name == "float32 output" and "only to float32 precision" in found.evidence


# --- no finding without evidence ----------------------------------------------------------------------------------

def test_no_finding_for_the_same_output_computed_another_way():
    assert analyse_output(evidence(OUT + 1e-12 * RNG.standard_normal(OUT.shape))) is None


def test_no_finding_for_unrelated_values_one_wrong_value_or_small_errors_everywhere():
    assert analyse_output(evidence(RNG.standard_normal(OUT.shape))) is None
    one_wrong = OUT.copy()
    one_wrong[1, 2, 3, 3] += 1.0
    assert analyse_output(evidence(one_wrong)) is None
    assert analyse_output(evidence(OUT + 1e-3 * RNG.standard_normal(OUT.shape))) is None


def test_no_finding_for_a_corner_value_or_a_single_wrong_edge_value():
    corner = OUT.copy()
    corner[0, 0, 0, 0] = 0.0
    assert analyse_output(evidence(corner)) is None
    edge = OUT.copy()
    edge[:, :, -1, 3] += 2.0
    assert analyse_output(evidence(edge)) is None


def test_no_ratio_from_a_single_nonzero_value():
    want = np.zeros((2, 3, 4, 4))
    want[0, 1, 2, 2] = 1.5
    assert analyse_output(evidence(want / 9, want=want)) is None


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=4, max_side=6),
                  elements=st.floats(-100, 100, allow_nan=False)),
       st.integers(0, 2 ** 32 - 1))
def test_no_finding_for_an_unrelated_random_output(want, seed):
    have = np.random.default_rng(seed).uniform(-100, 100, want.shape)
    assert analyse_output(evidence(have, want=want, axes={})) is None
