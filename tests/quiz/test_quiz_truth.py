"""Every quiz says true things: each computed answer, for 20 seeds, matches an independent computation written
here (counted window positions, weight arrays built and measured, receptive fields found by pushing one-hot
columns through real layers), every equation an explanation states holds, and the prose claims with numbers
are checked one by one."""

from __future__ import annotations

import math

import numpy as np
import pytest

from grader.quiz.catalog import quiz_paths
from grader.quiz.model import load_quiz
from grader.quiz.variants import learner_seed, pose
from solutions import conv2d, flatten, maxpool2d
from tests import oracles
from tests.quiz.brute_force import Conv, Pool, false_equations, field, ones_conv, positions, stated_equations

QUIZZES = {path.stem: load_quiz(path) for path in quiz_paths()}
SEEDS = list(range(10)) + [learner_seed(f"learner-{number}") for number in range(10)]
SHIFT_CASE = "exercise-3 has a case that shows which pooled values survive a one-pixel shift"


def _params(*shape_sizes):
    """The number of trainable values in weight arrays of these shapes, by building them."""
    return sum(np.zeros(shape).size for shape in shape_sizes)


def _moved_pooled_values(h, row, column):
    """Pool a zero map with one 5 at (row, column) and again with the 5 one column to the right (both
    counted from 1) with the loop oracle: how many pooled values change, and the pooled column of each 5."""
    before, after = np.zeros((1, 1, h, h)), np.zeros((1, 1, h, h))
    before[0, 0, row - 1, column - 1] = after[0, 0, row - 1, column] = 5.0
    pooled_before, pooled_after = oracles.maxpool2d(before, 2, 2), oracles.maxpool2d(after, 2, 2)
    changed = int(np.sum(pooled_before != pooled_after))
    return changed, int(np.argwhere(pooled_before)[0, 3]) + 1, int(np.argwhere(pooled_after)[0, 3]) + 1


def _rf_field_of_a_stack(v):
    assert field([Pool(v["p"], v["p"]), Conv(v["k2"])]).width == v["m"]  # "together they cover {m} of them"
    return field([Conv(v["k1"]), Pool(v["p"], v["p"]), Conv(v["k2"])]).width


def _rf_without_sharing(v):
    side = positions(v["h"], v["k"])
    assert (v["o"], v["w"], v["shared"]) == (side, _params((v["c"], v["k"], v["k"]), (1,)),
                                             _params((v["f"], v["c"], v["k"], v["k"]), (v["f"],)))
    return _params((side, side, v["f"], v["c"], v["k"], v["k"]), (side, side, v["f"]))


def _rf_dense_replacement(v):
    n_in = np.zeros((v["c"], v["h"], v["h"])).size
    n_out = v["f"] * positions(v["h"], 3, 1, 1) ** 2
    assert (v["n_in"], v["n_out"], v["conv"]) == (n_in, n_out, _params((v["f"], v["c"], 3, 3), (v["f"],)))
    return _params((n_out, n_in), (n_out,))


def _rf_dilated_output_size(v):
    taps = ones_conv(np.zeros((1, 1, v["h"], v["h"])), v["k"], v["s"], v["p"], v["d"])
    assert field([Conv(v["k"], 1, v["d"])]).width == v["e"]  # "the kernel spans {e} pixels"
    assert taps.shape[2] == positions(v["h"], v["k"], v["s"], v["p"], v["d"])
    return taps.shape[2]


def _rf_dilated_field(v):
    found = field([Conv(3, 1, v["d1"]), Conv(3, 1, v["d2"]), Conv(3, 1, v["d3"])])
    assert found.gaps == 0, "the prompt says the value depends on a whole square patch"
    return found.width


def _rf_gap_head(v):
    maps = np.random.default_rng(0).normal(size=(1, v["c"], v["h"], v["h"]))
    pooled = maps.mean(axis=(2, 3))  # global average pooling, written out
    assert v["flat"] == _params((v["m"], maps[0].size), (v["m"],))
    return _params((v["m"], pooled.shape[1]), (v["m"],))


def _rf_pooled_values_after_shift(v):
    changed, pooled_column, moved_column = _moved_pooled_values(v["h"], v["r"], v["c"])
    assert (v["wa"], v["wb"]) == (pooled_column, moved_column)
    return changed


def _sizes_same_padding(v):
    return next(pad for pad in range(v["k"]) if positions(v["h"], v["k"], 1, pad) == v["h"])


def _sizes_pipeline(v):
    conv_side = positions(v["h"], 3, 1, 1)
    return v["f"] * positions(conv_side, 2, 2) ** 2


# One independent computation per question that computes its answer, keyed by (quiz id, question id).
ORACLES = {
    ("convolution", "q4-weighted-sum"): lambda v: oracles.conv2d(np.full((1, 1, 3, 3), float(v["p"])),
                                                                 np.full((1, 1, 3, 3), float(v["w"])))[0, 0, 0, 0],
    ("convolution", "q10-filters-give-channels"): lambda v: oracles.conv2d(
        np.zeros((1, v["c"], 3, 3)), np.zeros((v["f"], v["c"], 3, 3))).shape[1],
    ("feature-hierarchy", "q5-receptive-field"): lambda v: field([Conv(v["k"])] * v["n"]).width,
    ("sizes-and-counts", "q1-conv-output-height"): lambda v: positions(v["h"], v["k"], v["s"], v["p"]),
    ("sizes-and-counts", "q2-same-padding"): _sizes_same_padding,
    ("sizes-and-counts", "q3-conv-output-shape"): lambda v: (v["n"], v["f"])
    + (positions(v["h"], v["k"], 1, v["p"]),) * 2,
    ("sizes-and-counts", "q4-conv-parameters"): lambda v: _params((v["f"], v["c"], v["k"], v["k"]), (v["f"],)),
    ("sizes-and-counts", "q5-multiplications-per-value"): lambda v: oracles.conv2d(
        np.ones((1, v["c"], v["k"], v["k"])), np.ones((1, v["c"], v["k"], v["k"])))[0, 0, 0, 0],
    ("sizes-and-counts", "q6-flatten-length"): lambda v: oracles.flatten(
        np.zeros((1, v["c"], v["h"], v["h"]))).shape[1],
    ("sizes-and-counts", "q7-flatten-shape"): lambda v: oracles.flatten(
        np.zeros((v["n"], v["c"], v["h"], v["w"]))).shape,
    ("sizes-and-counts", "q8-pool-shape"): lambda v: (v["n"], v["c"]) + (positions(v["h"], v["k"], v["k"]),) * 2,
    ("sizes-and-counts", "q9-pool-keeps-fraction"): lambda v: positions(v["h"], v["k"], v["k"]) ** 2 / v["h"] ** 2,
    ("sizes-and-counts", "q10-pipeline-flatten-length"): _sizes_pipeline,
    ("sizes-and-counts", "q11-fc-parameters"): lambda v: _params((v["m"], v["c"] * v["h"] * v["h"]), (v["m"],)),
    ("receptive-fields-and-sharing", "q1-field-of-a-stack"): _rf_field_of_a_stack,
    ("receptive-fields-and-sharing", "q2-jump-between-neighbours"): lambda v: field(
        [Conv(3, v["s1"]), Pool(v["p"], v["p"]), Conv(3, v["s2"])]).jump,
    ("receptive-fields-and-sharing", "q5-alexnet-output-shape"): lambda v: (1, 96) + (positions(227, 11, 4),) * 2,
    ("receptive-fields-and-sharing", "q6-alexnet-shared-parameters"): lambda v: _params((96, 3, 11, 11), (96,)),
    ("receptive-fields-and-sharing", "q7-without-sharing"): _rf_without_sharing,
    ("receptive-fields-and-sharing", "q8-dense-replacement"): _rf_dense_replacement,
    ("receptive-fields-and-sharing", "q11-one-by-one-parameters"): lambda v: _params((v["f"], v["c"], 1, 1), (v["f"],)),
    ("receptive-fields-and-sharing", "q12-dilated-output-size"): _rf_dilated_output_size,
    ("receptive-fields-and-sharing", "q13-dilated-field"): _rf_dilated_field,
    ("receptive-fields-and-sharing", "q14-gap-head-parameters"): _rf_gap_head,
    ("receptive-fields-and-sharing", "q16-pooled-values-after-a-shift"): _rf_pooled_values_after_shift,
}

COMPUTED = [(quiz.id, question) for quiz in QUIZZES.values() for question in quiz.questions
            if question.params or question.answer_expr is not None]
EVERY = [(quiz.id, question) for quiz in QUIZZES.values() for question in quiz.questions]


def _seeds(question):
    return SEEDS if question.is_variant else SEEDS[:1]


def _same(answer, expected) -> bool:
    if isinstance(answer, tuple):
        return answer == tuple(int(size) for size in expected)
    return math.isclose(answer, float(expected), rel_tol=1e-9, abs_tol=1e-12)


def test_every_computed_answer_has_an_independent_oracle_and_no_oracle_is_stale():
    computed = {(quiz_id, question.id) for quiz_id, question in COMPUTED}
    assert computed - set(ORACLES) == set(), "write an oracle for these questions in tests/quiz/test_quiz_truth.py"
    assert set(ORACLES) - computed == set(), "these oracles name questions that no longer compute their answer"


@pytest.mark.parametrize("quiz_id, question", COMPUTED, ids=[f"{q}:{question.id}" for q, question in COMPUTED])
def test_computed_answers_match_an_independent_computation_for_20_seeds(quiz_id, question):
    oracle = ORACLES[(quiz_id, question.id)]
    draws = set()
    for seed in _seeds(question):
        posed = pose(quiz_id, question, seed)
        values = dict(posed.values)
        draws.add(tuple(values.items()))
        expected = oracle(values)
        assert _same(posed.answer, expected), f"seed {seed}, {values}: quiz says {posed.answer}, oracle {expected}"
    assert len(draws) > 1 or not question.is_variant, "20 seeds should give learners different numbers"


@pytest.mark.parametrize("quiz_id, question", EVERY, ids=[f"{q}:{question.id}" for q, question in EVERY])
def test_every_equation_an_explanation_or_prompt_states_holds(quiz_id, question):
    for seed in _seeds(question):
        posed = pose(quiz_id, question, seed)
        for text in (posed.prompt, posed.explanation, *question.choices):
            assert false_equations(text) == [], f"seed {seed}: {text}"


def test_the_equation_reader_finds_the_stated_arithmetic_and_catches_a_false_one():
    stated = [stated_equations(pose(quiz_id, question, 0).explanation) for quiz_id, question in EVERY]
    assert sum(map(len, stated)) >= 30  # the check above is not vacuous
    assert stated_equations("with C = 64 that is 18 x 64 x 64 = 73,728 weights") == [("18 * 64 * 64", "73728")]
    assert stated_equations("so (h + 2 x p - k) // s + 1 = 7 and max = 3") == []
    assert false_equations("Each side has (227 - 11) / 4 + 1 = 56 positions.") == ["( 227 - 11 ) / 4 + 1 = 56"]
    assert false_equations("added together: 9 x -2 x 3 = -54.") == []


def test_the_tap_by_tap_convolution_agrees_with_the_reference_without_dilation():
    x = np.random.default_rng(1).normal(size=(2, 1, 9, 9))
    assert np.allclose(ones_conv(x, 3, 2, 1), conv2d(x, np.ones((1, 1, 3, 3)), stride=2, padding=1))


# --- prose claims that state a number -----------------------------------------------------------------

def test_receptive_field_claims():
    assert field([Conv(3)] * 5).width == 11  # q3: "2 pixels wider per 3x3 layer ... 11 pixels after five"
    assert field([Conv(3), Conv(3)]).width == field([Conv(5)]).width == 5  # q4: same field
    assert _params((64, 64, 3, 3)) * 2 == 73_728 and _params((64, 64, 5, 5)) == 102_400
    # feature-hierarchy q4: 2 pixels per 3x3 layer with no stride before it, more after pooling
    assert field([Conv(3), Conv(3)]).width - field([Conv(3)]).width == 2
    assert field([Conv(3), Pool(2, 2), Conv(3)]).width - field([Conv(3), Pool(2, 2)]).width > 2
    gridded = field([Conv(3, 1, 2)] * 3)  # q13: dilation 2 everywhere leaves every other pixel out
    assert (gridded.width, gridded.gaps) == (13, 6)


def test_alexnet_and_head_claims():
    side = conv2d(np.zeros((1, 3, 227, 227)), np.zeros((1, 3, 11, 11)), stride=4).shape[2]
    assert side == 55 and (side - 1) * 4 + 11 == 227  # q5: the last position ends on the last row
    assert side * side == 3_025 and _params((96, 3, 11, 11), (96,)) == 34_944
    assert _params((side, side, 96, 3, 11, 11), (side, side, 96)) == 105_705_600  # q7: no sharing
    assert 224 // 32 == 7 and 288 // 32 == 9  # q15: five stride-2 stages
    assert flatten(np.zeros((1, 512, 7, 7))).shape[1] == 25_088
    assert flatten(np.zeros((1, 512, 9, 9))).shape[1] == 41_472
    # q9: the same filters run on a doubled image; a dense layer on the flattened input needs 4x the weights
    weight = np.zeros((8, 3, 3, 3))
    assert conv2d(np.zeros((1, 3, 20, 20)), weight).shape[2:] == (18, 18)
    assert conv2d(np.zeros((1, 3, 40, 40)), weight).shape[2:] == (38, 38)
    assert flatten(np.zeros((1, 3, 40, 40))).shape[1] == 4 * flatten(np.zeros((1, 3, 20, 20))).shape[1]


def test_a_one_by_one_convolution_mixes_channels_at_each_position():
    rng = np.random.default_rng(2)
    x, weight = rng.normal(size=(2, 256, 5, 6)), rng.normal(size=(64, 256, 1, 1))
    out = conv2d(x, weight)
    assert out.shape == (2, 64, 5, 6)
    assert np.allclose(out, np.einsum("fc,nchw->nfhw", weight[:, :, 0, 0], x))


def test_max_pooling_tolerates_moves_within_a_window_but_is_not_shift_invariant():
    assert maxpool2d(np.zeros((1, 1, 28, 28)), 2, 2).shape[2:] == (14, 14)  # flatten-and-pool q6
    for row, column in [(3, 1), (3, 3), (6, 5)]:
        assert _moved_pooled_values(8, row, column)[0] == 0  # odd column -> same window
        assert _moved_pooled_values(8, row, column + 1)[0] == 2
    maps = np.random.default_rng(3).normal(size=(4, 8, 66, 68))
    pooled = maxpool2d(maps[:, :, 1:65, 2:66], 2, 2)
    for shifted in (maps[:, :, 1:65, 1:65], maps[:, :, 1:65, 3:67], maps[:, :, 0:64, 2:66], maps[:, :, 2:66, 2:66]):
        changed = np.mean(maxpool2d(shifted, 2, 2) != pooled)  # one pixel, any direction: "about two in three"
        assert 0.6 < changed < 0.73, changed
    whole_window = maxpool2d(maps[:, :, 1:65, 4:68], 2, 2)  # two pixels: the pooled map moves by one cell
    assert np.array_equal(whole_window[..., :-1], pooled[..., 1:])
    assert np.mean(whole_window != pooled) > 0.9


def test_pooling_questions_say_tolerance_not_invariance_and_point_at_the_shift_case():
    texts = {(quiz_id, question.id): " ".join((question.prompt, question.explanation, *question.choices))
             for quiz_id, question in EVERY}
    for key, text in texts.items():
        for sentence in text.replace("\n", " ").split(". "):
            if "invarian" in sentence.lower():
                assert "not invariance" in sentence or "not invariant" in sentence, (key, sentence)
    assert SHIFT_CASE in texts[("flatten-and-pool", "q7-pool-effects")]
    assert SHIFT_CASE in texts[("receptive-fields-and-sharing", "q17-tolerance-not-invariance")]
