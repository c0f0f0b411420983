"""The family mistakes against the mistake written the way a learner writes it: plain loops over windows, with the
one slip each variant stands for. A variant must give the learner's numbers on every valid input (pairs, padding,
overlap, ties), not only on the exercises' cases, or the diagnosis misses the mistake elsewhere."""

import numpy as np
import pytest

import solutions
from solutions import misconceptions as mis


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def _configs(seed, count=12):
    """Random pooling problems: kernel, stride (None or a pair), padding up to half the kernel, and maps that hold
    exact ties half the time."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        kh, kw = (int(k) for k in rng.integers(1, 5, size=2))
        stride = None if rng.random() < 0.3 else (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        padding = (int(rng.integers(0, kh // 2 + 1)), int(rng.integers(0, kw // 2 + 1)))
        shape = (int(rng.integers(1, 3)), int(rng.integers(1, 4)), int(rng.integers(kh, 9)), int(rng.integers(kw, 9)))
        x = rng.integers(-2, 3, size=shape).astype(float) if rng.random() < 0.5 else rng.standard_normal(shape)
        dout = rng.standard_normal(solutions.maxpool2d(x, (kh, kw), stride, padding).shape)
        yield dout, x, (kh, kw), stride, padding


def _geometry(kernel_size, stride, padding):
    kh, kw = _pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else _pair(stride)
    return kh, kw, sh, sw, _pair(padding)


# --- the learners' versions -------------------------------------------------------------------------------------

def learner_pool_pad_end_only(x, kernel_size, stride=None, padding=0):
    """-inf canvas with the map in its top-left corner."""
    kh, kw, sh, sw, (ph, pw) = _geometry(kernel_size, stride, padding)
    N, C, H, W = x.shape
    canvas = np.full((N, C, H + 2 * ph, W + 2 * pw), -np.inf)
    canvas[:, :, :H, :W] = x
    OH, OW = (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1
    out = np.empty((N, C, OH, OW))
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = canvas[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].max(axis=(2, 3))
    return out


def learner_pool_backward_no_padding(dout, x, kernel_size, stride=None, padding=0):
    """Windows sliced from x itself (cut short at the edge), never padded."""
    kh, kw, sh, sw, _ = _geometry(kernel_size, stride, padding)
    dx = np.zeros(x.shape)
    for n, c, i, j in np.ndindex(*dout.shape):
        window = x[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
        if window.size:
            a, b = np.unravel_index(np.argmax(window), window.shape)
            dx[n, c, i * sh + a, j * sw + b] += dout[n, c, i, j]
    return dx


def learner_pool_backward_argmax_over_channels(dout, x, kernel_size, stride=None, padding=0):
    """The winner of x_padded[n, :, window], all channels at once."""
    kh, kw, sh, sw, (ph, pw) = _geometry(kernel_size, stride, padding)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros(xp.shape)
    N, _, OH, OW = dout.shape
    for n, i, j in np.ndindex(N, OH, OW):
        block = xp[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
        c, a, b = np.unravel_index(np.argmax(block), block.shape)
        dxp[n, c, i * sh + a, j * sw + b] += dout[n, c, i, j]
    return dxp[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]]


def learner_pool_backward_times_winner(dout, x, kernel_size, stride=None, padding=0):
    """Each window sends back dout times its winning value."""
    kh, kw, sh, sw, (ph, pw) = _geometry(kernel_size, stride, padding)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros(xp.shape)
    for n, c, i, j in np.ndindex(*dout.shape):
        window = xp[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
        a, b = np.unravel_index(np.argmax(window), window.shape)
        dxp[n, c, i * sh + a, j * sw + b] += dout[n, c, i, j] * window[a, b]
    return dxp[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]]


def learner_conv_backward(dout, x, weight, stride, padding, dx_step=None, dweight_images=None):
    """The loop backward pass; `dx_step` the step between dx windows (the stride unless set), `dweight_images`
    how many images dweight sums over (all unless set)."""
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    step_h, step_w = (sh, sw) if dx_step is None else _pair(dx_step)
    F, _, KH, KW = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp, dweight = np.zeros(xp.shape), np.zeros(weight.shape)
    N, _, OH, OW = dout.shape
    for n, f, i, j in np.ndindex(N, F, OH, OW):
        if dweight_images is None or n < dweight_images:
            dweight[f] += dout[n, f, i, j] * xp[n, :, i * sh:i * sh + KH, j * sw:j * sw + KW]
        dxp[n, :, i * step_h:i * step_h + KH, j * step_w:j * step_w + KW] += dout[n, f, i, j] * weight[f]
    return dxp[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]], dweight, dout.sum(axis=(0, 2, 3))


def learner_conv_bias_in_channel_loop(x, weight, bias, stride, padding):
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    F, C, KH, KW = weight.shape
    OH, OW = (xp.shape[2] - KH) // sh + 1, (xp.shape[3] - KW) // sw + 1
    out = np.zeros((x.shape[0], F, OH, OW))
    for f, c, i, j in np.ndindex(F, C, OH, OW):
        patch = xp[:, c, i * sh:i * sh + KH, j * sw:j * sw + KW]
        out[:, f, i, j] += (patch * weight[f, c]).sum(axis=(1, 2)) + bias[f]
    return out


def _conv_configs(seed, count=8):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        KH, KW = (int(k) for k in rng.integers(1, 4, size=2))
        stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        padding = (int(rng.integers(0, 3)), int(rng.integers(0, 3)))
        N, C, F = (int(n) for n in rng.integers(1, 4, size=3))
        x = rng.standard_normal((N, C, int(rng.integers(KH, 9)), int(rng.integers(KW, 9))))
        weight = rng.standard_normal((F, C, KH, KW))
        dout = rng.standard_normal(solutions.conv2d(x, weight, None, stride, padding).shape)
        yield dout, x, weight, rng.standard_normal(F), stride, padding


# --- each variant gives the learner's numbers ---------------------------------------------------------------------

@pytest.mark.parametrize("config", list(_configs(1)), ids=lambda config: f"{config[2]}-{config[3]}-{config[4]}")
def test_pooling_variants_give_what_the_learners_loops_give(config):
    dout, x, kernel, stride, padding = config
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(mis.maxpool2d_padding_one_side(x, kernel, stride, padding),
                                      learner_pool_pad_end_only(x, kernel, stride, padding))
    np.testing.assert_allclose(mis.maxpool2d_backward_padding_ignored(dout, x, kernel, stride, padding),
                               learner_pool_backward_no_padding(dout, x, kernel, stride, padding), atol=1e-12)
    np.testing.assert_allclose(mis.maxpool2d_backward_max_over_channels(dout, x, kernel, stride, padding),
                               learner_pool_backward_argmax_over_channels(dout, x, kernel, stride, padding),
                               atol=1e-12)
    np.testing.assert_allclose(mis.maxpool2d_backward_times_input(dout, x, kernel, stride, padding),
                               learner_pool_backward_times_winner(dout, x, kernel, stride, padding), atol=1e-12)


@pytest.mark.parametrize("config", list(_conv_configs(2)), ids=lambda config: f"{config[2].shape}-{config[4]}")
def test_conv_variants_give_what_the_learners_loops_give(config):
    dout, x, weight, bias, stride, padding = config
    np.testing.assert_allclose(mis.conv2d_bias_per_input_channel(x, weight, bias, stride, padding),
                               learner_conv_bias_in_channel_loop(x, weight, bias, stride, padding), atol=1e-10)
    for variant, learner in [
            (mis.conv2d_backward_dx_stride_one, learner_conv_backward(dout, x, weight, stride, padding, dx_step=1)),
            (mis.conv2d_backward_dweight_first_image,
             learner_conv_backward(dout, x, weight, stride, padding, dweight_images=1))]:
        for got, want in zip(variant(dout, x, weight, stride, padding), learner):
            np.testing.assert_allclose(got, want, atol=1e-10)


def test_dbias_variants_sum_or_average_the_right_axes():
    dout = np.arange(2 * 3 * 2 * 2, dtype=float).reshape(2, 3, 2, 2)
    x, weight = np.ones((2, 1, 3, 3)), np.ones((3, 1, 2, 2))
    dx, dweight, dbias = solutions.conv2d_backward(dout, x, weight)
    total = mis.conv2d_backward_dbias_total(dout, x, weight)[2]
    assert total.shape == () and total == dout.sum()
    np.testing.assert_array_equal(mis.conv2d_backward_dbias_total_per_filter(dout, x, weight)[2], [dout.sum()] * 3)
    np.testing.assert_allclose(mis.conv2d_backward_dbias_batch_mean(dout, x, weight)[2],
                               dout.sum(axis=(2, 3)).mean(axis=0))
    averaged = mis.conv2d_backward_params_batch_mean(dout, x, weight)
    np.testing.assert_allclose(averaged[0], dx)  # dx stays a sum: each image has its own
    np.testing.assert_allclose(averaged[1], dweight / 2)
    np.testing.assert_allclose(averaged[2], dbias / 2)


def test_the_padding_variants_equal_the_reference_without_padding():
    # a family mistake that cannot happen on an input must give the reference there (it is then never named)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 6, 5))
    dout = rng.standard_normal(solutions.maxpool2d(x, 2).shape)
    np.testing.assert_array_equal(mis.maxpool2d_padding_one_side(x, 2), solutions.maxpool2d(x, 2))
    np.testing.assert_array_equal(mis.maxpool2d_backward_padding_ignored(dout, x, 2),
                                  solutions.maxpool2d_backward(dout, x, 2))
    one_channel = x[:, :1]
    np.testing.assert_array_equal(mis.maxpool2d_backward_max_over_channels(dout[:, :1], one_channel, 2),
                                  solutions.maxpool2d_backward(dout[:, :1], one_channel, 2))
