"""The references of exercises 11 (conv2d_general) and 12 (numerical_gradient) against independent computations:
a seven-loop convolution written from the definition (and torch where it is installed), and the analytic gradients
of the known functions; and the known mistakes against the mistake written the way a learner writes it."""

from __future__ import annotations

import numpy as np
import pytest

import solutions
from grader.sandbox.known_functions import KNOWN_FORMULAS, KnownFunction
from grader.spec.catalog import find_exercise
from grader.grading.inputs import build_args
from solutions import misconceptions as mis
from solutions.gradcheck import analytic_gradient, central_differences


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def loop_conv(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """The definition, one multiply-add at a time: tap (p, q) of window (i, j) reads row i*sh + p*dh."""
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    N, C, H, W = x.shape
    F, Cg, KH, KW = weight.shape
    xp = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    xp[:, :, ph:ph + H, pw:pw + W] = x
    OH, OW = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1, (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    out = np.zeros((N, F, OH, OW))
    for n, f, i, j in np.ndindex(N, F, OH, OW):
        group = f // (F // groups)
        total = 0.0 if bias is None else float(bias[f])
        for c, p, q in np.ndindex(Cg, KH, KW):
            total += weight[f, c, p, q] * xp[n, group * Cg + c, i * sh + p * dh, j * sw + q * dw]
        out[n, f, i, j] = total
    return out


def random_layers(seed, count=30):
    """Random valid layers: groups dividing C and F, dilation, stride, padding as ints or pairs, bias or not."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        groups, Cg, Fg = (int(v) for v in rng.integers(1, 4, size=3))
        KH, KW, dh, dw = (int(v) for v in rng.integers(1, 4, size=4))
        sh, sw = (int(v) for v in rng.integers(1, 3, size=2))
        ph, pw = (int(v) for v in rng.integers(0, 3, size=2))
        as_pair = rng.random() < 0.5
        if not as_pair:
            dw, sw, pw = dh, sh, ph
        H = dh * (KH - 1) + 1 + int(rng.integers(0, 4))
        W = dw * (KW - 1) + 1 + int(rng.integers(0, 4))
        x = rng.standard_normal((2, groups * Cg, H, W))
        weight = rng.standard_normal((groups * Fg, Cg, KH, KW))
        bias = rng.standard_normal(groups * Fg) if rng.random() < 0.5 else None
        yield x, weight, bias, dict(stride=(sh, sw) if as_pair else sh, padding=(ph, pw) if as_pair else ph,
                                    dilation=(dh, dw) if as_pair else dh, groups=groups)


@pytest.mark.parametrize("seed", [0, 1])
def test_conv2d_general_is_the_definition(seed):
    for x, weight, bias, options in random_layers(seed):
        np.testing.assert_allclose(solutions.conv2d_general(x, weight, bias, **options),
                                   loop_conv(x, weight, bias, **options), atol=1e-12)


def test_conv2d_general_matches_torch():
    torch = pytest.importorskip("torch")
    for x, weight, bias, options in random_layers(2):
        want = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(weight),
                                          None if bias is None else torch.from_numpy(bias), **options).numpy()
        np.testing.assert_allclose(solutions.conv2d_general(x, weight, bias, **options), want, atol=1e-10)


def test_defaults_are_exercise_2s_layer_and_integers_give_floats():
    rng = np.random.default_rng(3)
    x, weight = rng.integers(-5, 5, (2, 3, 6, 6)), rng.integers(-5, 5, (4, 3, 3, 3))
    out = solutions.conv2d_general(x, weight, padding=1)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, solutions.conv2d(x, weight, padding=1))


def test_the_concept_counts_of_a_depthwise_separable_layer():
    C = F = 64
    assert F * C * 9 == 36_864 and C * 9 + F * C == 4_672


@pytest.mark.parametrize("groups, weight_channels, message", [(3, 2, "must divide"), (2, 3, "C / groups"),
                                                              (0, 4, "whole number")])
def test_conv2d_general_refuses_inconsistent_groups(groups, weight_channels, message):
    with pytest.raises(ValueError, match=message):
        solutions.conv2d_general(np.ones((1, 4, 5, 5)), np.ones((4, weight_channels, 3, 3)), groups=groups)


# --- the conv-general mistakes, written as learners write them ------------------------------------------------------

def learner_round_robin(x, weight, groups):
    Cg = weight.shape[1]
    return np.concatenate([loop_conv(x[:, (f % groups) * Cg:(f % groups + 1) * Cg], weight[f:f + 1])
                           for f in range(weight.shape[0])], axis=1)


def learner_slice_at_g(x, weight, groups):
    Fg, Cg = weight.shape[0] // groups, weight.shape[1]
    return np.concatenate([loop_conv(x[:, g:g + Cg], weight[g * Fg:(g + 1) * Fg]) for g in range(groups)], axis=1)


def learner_bias_within_group(x, weight, bias, groups):
    out = loop_conv(x, weight, None, groups=groups)
    Fg = weight.shape[0] // groups
    for f in range(weight.shape[0]):
        out[:, f] += bias[f % Fg]
    return out


def learner_broadcast_depthwise(x, weight):
    """weight[f] is (1, KH, KW): multiplying it into a (C, KH, KW) window broadcasts it over every channel."""
    return loop_conv(x, np.repeat(weight, x.shape[1], axis=1))


def learner_sampled_image(x, weight, dilation):
    return loop_conv(x[:, :, ::dilation, ::dilation], weight)


def test_group_mistakes_give_the_learners_numbers():
    rng = np.random.default_rng(4)
    x, weight, bias = rng.standard_normal((2, 6, 5, 5)), rng.standard_normal((9, 2, 3, 3)), rng.standard_normal(9)
    np.testing.assert_allclose(mis.conv2d_general_filters_round_robin(x, weight, groups=3),
                               learner_round_robin(x, weight, 3), atol=1e-12)
    np.testing.assert_allclose(mis.conv2d_general_channel_slice_off(x, weight, groups=3),
                               learner_slice_at_g(x, weight, 3), atol=1e-12)
    np.testing.assert_allclose(mis.conv2d_general_bias_per_group(x, weight, bias, groups=3),
                               learner_bias_within_group(x, weight, bias, 3), atol=1e-12)
    depthwise = rng.standard_normal((6, 1, 3, 3))
    np.testing.assert_allclose(mis.conv2d_general_groups_ignored(x, depthwise, groups=6),
                               learner_broadcast_depthwise(x, depthwise), atol=1e-12)
    np.testing.assert_allclose(mis.conv2d_general_dilation_on_input(x, weight[:, :1].repeat(6, 1), dilation=2),
                               learner_sampled_image(x, weight[:, :1].repeat(6, 1), 2), atol=1e-12)


def test_a_mistake_that_cannot_happen_gives_the_reference():
    rng = np.random.default_rng(5)
    x, weight = rng.standard_normal((1, 2, 6, 6)), rng.standard_normal((2, 2, 3, 3))
    reference = solutions.conv2d_general(x, weight)
    for variant in (mis.conv2d_general_dilation_ignored, mis.conv2d_general_size_without_dilation,
                    mis.conv2d_general_groups_ignored, mis.conv2d_general_bias_per_group,
                    mis.conv2d_general_depthwise_summed, mis.conv2d_general_filters_round_robin):
        np.testing.assert_allclose(variant(x, weight), reference, atol=1e-12)


def test_output_size_without_dilation_reads_zeros_past_the_border():
    x, weight = np.ones((1, 1, 5, 5)), np.ones((1, 1, 2, 2))
    out = mis.conv2d_general_size_without_dilation(x, weight, dilation=2)
    assert out.shape == (1, 1, 4, 4)
    np.testing.assert_array_equal(out[0, 0, :3, :3], 4)
    assert out[0, 0, 3, 3] == 1  # only the tap at (0, 0) of the last window is inside the image


# --- exercise 12: the reference against analytic gradients -----------------------------------------------------------

EXERCISE_12 = find_exercise("exercise-12")


def _case_inputs(case):
    args = build_args(EXERCISE_12, case)
    return args["f"], args["x"], args["dout"], args.get("eps", 1e-5)


@pytest.mark.parametrize("case", EXERCISE_12.cases, ids=[case.name for case in EXERCISE_12.cases])
def test_expected_values_are_analytic_except_where_eps_cannot_resolve_the_slope(case):
    f, x, dout, eps = _case_inputs(case)
    tolerance = case.tolerance or EXERCISE_12.tolerance
    numeric, analytic = central_differences(f, x, dout, eps), analytic_gradient(f, x, dout)
    expected = solutions.numerical_gradient(f, x, dout, eps)
    np.testing.assert_allclose(expected, numeric, rtol=tolerance.rtol / 5, atol=tolerance.atol / 5)
    resolved = np.isclose(numeric, analytic, rtol=tolerance.rtol / 10, atol=tolerance.atol / 10)
    np.testing.assert_array_equal(expected[resolved], analytic[resolved])
    if eps <= 1e-5:  # the default step resolves every slope of these inputs, kinks at a distance included
        assert resolved.all(), case.name
    assert x.size <= 100, "each element costs two calls of f: keep gradient checks small"


def test_the_kink_cases_show_why_eps_matters():
    named = {case.name: case for case in EXERCISE_12.cases}
    f, x, dout, eps = _case_inputs(named["a large eps across the relu kink"])
    np.testing.assert_allclose(solutions.numerical_gradient(f, x, dout, eps), [0.75, 0.35, 1, 0])
    assert analytic_gradient(f, x, dout).tolist() == [1, 0, 1, 0]
    f, x, dout, eps = _case_inputs(named["abs within eps 1e-3 of the kink"])
    np.testing.assert_allclose(solutions.numerical_gradient(f, x, dout, eps), [-0.5, 0.2, 1, -1])
    f, x, dout, eps = _case_inputs(named["a large eps on a curve"])
    np.testing.assert_allclose(solutions.numerical_gradient(f, x, dout, eps), [0.76, 3.01, 12.01])


@pytest.mark.parametrize("name", sorted(KNOWN_FORMULAS))
def test_every_known_function_has_an_analytic_gradient_that_central_differences_confirm(name):
    f = KnownFunction(name)
    rng = np.random.default_rng(6)
    x = rng.standard_normal((1, 2, 4, 4) if name == "conv2d" else (3, 4))
    dout = rng.standard_normal(np.shape(f(x)))
    np.testing.assert_allclose(analytic_gradient(f, x, dout), central_differences(f, x, dout, 1e-5),
                               rtol=1e-6, atol=1e-7)


def test_a_plain_function_gets_central_differences_only():
    x, dout = np.array([0.5, 1.0]), np.ones(2)
    np.testing.assert_allclose(solutions.numerical_gradient(lambda v: v ** 2, x, dout, 0.1), 2 * x)
    assert analytic_gradient(np.tanh, x, dout) is None


def test_the_reference_leaves_x_alone():
    x = np.array([[0.1, -0.2], [0.3, 0.4]])
    before = x.copy()
    solutions.numerical_gradient(KnownFunction("softmax"), x, np.ones((2, 2)), 0.1)
    np.testing.assert_array_equal(x, before)


def test_gradcheck_mistakes_give_the_learners_numbers():
    f, x, dout = KnownFunction("softmax"), np.array([[0.2, -0.4, 1.0]]), np.array([[1.0, -2.0, 0.5]])
    eps = 1e-3
    moved, grad = x.copy(), np.zeros_like(x)
    for index in np.ndindex(x.shape):  # the learner's in-place loop that never puts x[i] back
        moved[index] += eps
        plus = np.sum(f(moved) * dout)
        moved[index] -= 2 * eps
        grad[index] = (plus - np.sum(f(moved) * dout)) / (2 * eps)
    np.testing.assert_allclose(mis.numerical_gradient_not_restored(f, x, dout, eps), grad, atol=1e-12)
    slope = (np.sum(f(x + eps) * dout) - np.sum(f(x - eps) * dout)) / (2 * eps)
    np.testing.assert_allclose(mis.numerical_gradient_all_at_once(f, x, dout, eps), np.full(x.shape, slope))
    np.testing.assert_allclose(mis.numerical_gradient_over_eps(f, x, dout, eps),
                               2 * central_differences(f, x, dout, eps))
    assert not mis.numerical_gradient_shared_copies(f, x, dout, eps).any()
