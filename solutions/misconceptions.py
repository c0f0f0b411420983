"""Deliberately WRONG variants of the references, one per common learner mistake."""

import numpy as np

from ._args import as_nchw, compute_dtype, pair
from .backward import conv2d_backward, conv2d_input_grad, maxpool_argmax
from .conv import conv2d, conv2d_single, conv_geometry, pad_hw
from .network import linear, relu
from .pool import maxpool2d, pool_geometry, window_slices
from .shape import flatten, normalize_start_dim


# --- conv2d_single -----------------------------------------------------------------------

def conv2d_single_flipped(image, kernel):
    """Mistake: true convolution (kernel flipped on both axes) instead of cross-correlation."""
    return conv2d_single(image, np.asarray(kernel)[::-1, ::-1])


def conv2d_single_size_off_by_one(image, kernel):
    """Mistake: output size H - KH (the +1 forgotten), so the last row and column are lost."""
    return conv2d_single(image, kernel)[:-1, :-1]


def conv2d_single_flipped_left_right(image, kernel):
    """Mistake: each kernel row reversed (what np.convolve does row by row), rows kept in order."""
    return conv2d_single(image, np.asarray(kernel)[:, ::-1])


# --- conv2d ----------------------------------------------------------------------------

def conv2d_flipped(x, weight, bias=None, stride=1, padding=0):
    """Mistake: true convolution (kernel flipped spatially) instead of cross-correlation."""
    return conv2d(x, np.asarray(weight)[..., ::-1, ::-1], bias, stride, padding)


def conv2d_padding_ignored(x, weight, bias=None, stride=1, padding=0):
    """Mistake: the padding argument is never applied."""
    return conv2d(x, weight, bias, stride, 0)


def conv2d_stride_ignored(x, weight, bias=None, stride=1, padding=0):
    """Mistake: the stride argument is never applied (always stride 1)."""
    return conv2d(x, weight, bias, 1, padding)


def conv2d_stride_in_size_only(x, weight, bias=None, stride=1, padding=0):
    """Mistake: the output size uses the stride but windows still step by 1, giving the
    top-left OH x OW corner of the stride-1 result."""
    x = as_nchw(x)
    weight = as_nchw(weight, "weight")
    _, _, (OH, OW) = conv_geometry(x.shape, weight.shape, stride, padding)
    return conv2d(x, weight, bias, 1, padding)[:, :, :OH, :OW]


def conv2d_no_bias(x, weight, bias=None, stride=1, padding=0):
    """Mistake: the bias is never added."""
    return conv2d(x, weight, None, stride, padding)


def conv2d_bias_per_input_channel(x, weight, bias=None, stride=1, padding=0):
    """Mistake: the bias is indexed by the INPUT channel inside the channel loop,
    out[n, f] = sum_c (corr(x[n, c], weight[f, c]) + bias[c]), so every output map gets
    bias.sum() added. Only runs when C == F (otherwise bias[c] would not even exist)."""
    x = as_nchw(x)
    weight = as_nchw(weight, "weight")
    F, C = weight.shape[:2]
    if C != F:
        raise ValueError(
            f"bias-per-input-channel mistake needs C == F, got C={C}, F={F}"
        )
    out = conv2d(x, weight, None, stride, padding)
    if bias is not None:
        bias = np.asarray(bias)
        if bias.shape != (F,):
            raise ValueError(f"bias must have shape ({F},), got {bias.shape}")
        out = out + bias.astype(out.dtype, copy=False).sum()
    return out


def conv2d_size_off_by_one(x, weight, bias=None, stride=1, padding=0):
    """Mistake: OH = (H + 2p - KH) // s without the +1 (last output row and column lost)."""
    return conv2d(x, weight, bias, stride, padding)[:, :, :-1, :-1]


def conv2d_channels_last(x, weight, bias=None, stride=1, padding=0):
    """Mistake: correct values, but returned in (N, OH, OW, F) layout instead of NCHW."""
    return conv2d(x, weight, bias, stride, padding).transpose(0, 2, 3, 1)


def conv2d_bias_on_width(x, weight, bias=None, stride=1, padding=0):
    """Mistake: `out + bias` with plain broadcasting adds bias[k] to output column k (it only
    runs when F == OW; otherwise NumPy refuses to broadcast)."""
    out = conv2d(x, weight, None, stride, padding)
    if bias is None or np.shape(bias) != (out.shape[-1],):
        raise ValueError("bias-on-width mistake needs a bias of length OW")
    return out + np.asarray(bias).astype(out.dtype, copy=False)


# --- maxpool2d ---------------------------------------------------------------------------

def _pool_with(x, kernel_size, stride, padding, pad_value, reduce):
    """Pool with a chosen padding value and a reduction ("max" or "mean" over the window)."""
    x = as_nchw(x)
    kernel, stride, (ph, pw), out_size = pool_geometry(x.shape, kernel_size, stride, padding)
    xp = pad_hw(x.astype(compute_dtype(x), copy=False), ph, pw, value=pad_value)
    slices = [xp[index] for _, _, index in window_slices(kernel, stride, out_size)]
    if reduce == "max":
        return np.maximum.reduce(slices)
    return np.add.reduce(slices) / len(slices)


def maxpool2d_zero_padding(x, kernel_size, stride=None, padding=0):
    """Mistake: padded cells hold 0 instead of -inf, so negative borders become 0."""
    return _pool_with(x, kernel_size, stride, padding, 0.0, "max")


def maxpool2d_average(x, kernel_size, stride=None, padding=0):
    """Mistake: averages each window instead of taking its max (padding counts as zeros,
    like avg_pool2d with count_include_pad=True)."""
    return _pool_with(x, kernel_size, stride, padding, 0.0, "mean")


def maxpool2d_stride_one(x, kernel_size, stride=None, padding=0):
    """Mistake: stride defaults to 1 instead of to kernel_size."""
    return maxpool2d(x, kernel_size, 1 if stride is None else stride, padding)


# --- flatten -----------------------------------------------------------------------------

def flatten_fortran_order(x, start_dim=1):
    """Mistake: the flattened axes are read in column-major (Fortran) order."""
    x = np.asarray(x)
    start = normalize_start_dim(x.ndim, start_dim)
    if x.ndim == 0:
        return x.reshape(1)
    axes = list(range(start)) + list(reversed(range(start, x.ndim)))
    return flatten(x.transpose(axes), start)


def flatten_batch_too(x, start_dim=1):
    """Mistake: start_dim is ignored and everything, batch included, becomes 1-D."""
    return np.asarray(x).reshape(-1)


def flatten_channels_last(x, start_dim=1):
    """Mistake: the first flattened axis (channels) is moved to the end before flattening, the
    channels-last (N, H, W, C) habit. Needs at least three flattened axes to differ from
    column-major order."""
    x = np.asarray(x)
    start = normalize_start_dim(x.ndim, start_dim)
    if x.ndim - start < 3:
        raise ValueError("channels-last mistake needs at least three flattened axes")
    axes = list(range(start)) + list(range(start + 1, x.ndim)) + [start]
    return flatten(x.transpose(axes), start)


# --- cnn_forward -------------------------------------------------------------------------

def _cnn_forward_with(x, params, activation, flatten_fn):
    out = conv2d(x, params["conv_w"], params["conv_b"], stride=1, padding=1)
    out = maxpool2d(activation(out), kernel_size=2, stride=2)
    return linear(flatten_fn(out, 1), params["fc_w"], params["fc_b"])


def cnn_forward_no_relu(x, params):
    """Mistake: the ReLU between the conv and the pool is left out."""
    return _cnn_forward_with(x, params, lambda a: a, flatten)


def cnn_forward_fortran_flatten(x, params):
    """Mistake: the pooled maps are flattened in column-major order before the linear layer."""
    return _cnn_forward_with(x, params, relu, flatten_fortran_order)


def cnn_forward_channels_last_flatten(x, params):
    """Mistake: the pooled maps are flattened as (N, H', W', F), channels last."""
    return _cnn_forward_with(x, params, relu, flatten_channels_last)


# --- conv2d_backward ---------------------------------------------------------------------

def _conv2d_backward_with_kernel(dout, x, weight, stride, padding, kernel_for_dx):
    """Reference dweight/dbias, but dx is scattered with a (wrongly) transformed kernel."""
    _, dweight, dbias = conv2d_backward(dout, x, weight, stride, padding)
    x = np.asarray(x)
    sh_sw = pair(stride, "stride", minimum=1)
    ph, pw = pair(padding, "padding")
    H, W = x.shape[2:]
    xp_shape = x.shape[:2] + (H + 2 * ph, W + 2 * pw)
    dtype = dweight.dtype
    dxp = conv2d_input_grad(
        np.asarray(dout).astype(dtype, copy=False),
        kernel_for_dx.astype(dtype, copy=False),
        xp_shape,
        sh_sw,
    )
    return dxp[:, :, ph : ph + H, pw : pw + W], dweight, dbias


def conv2d_backward_unflipped_dx(dout, x, weight, stride=1, padding=0):
    """Mistake: dx correlates the zero-padded dout with the UNflipped kernel, where the
    true gradient is a full convolution (i.e. correlation with the flipped kernel)."""
    weight = as_nchw(weight, "weight")
    # Scattering with the flipped kernel is exactly "full correlation with the unflipped one".
    return _conv2d_backward_with_kernel(dout, x, weight, stride, padding, weight[..., ::-1, ::-1])


def conv2d_backward_transposed_kernel(dout, x, weight, stride=1, padding=0):
    """Mistake: dx uses the kernel with its two spatial axes swapped (needs KH == KW)."""
    weight = as_nchw(weight, "weight")
    if weight.shape[2] != weight.shape[3]:
        raise ValueError(f"transposed-kernel mistake needs a square kernel, got {weight.shape[2:]}")
    return _conv2d_backward_with_kernel(
        dout, x, weight, stride, padding, weight.transpose(0, 1, 3, 2)
    )


def conv2d_backward_dbias_mean(dout, x, weight, stride=1, padding=0):
    """Mistake: dbias averages dout over (N, OH, OW) instead of summing it."""
    dx, dweight, _ = conv2d_backward(dout, x, weight, stride, padding)
    return dx, dweight, np.asarray(dout).astype(dweight.dtype, copy=False).mean(axis=(0, 2, 3))


# --- maxpool2d_backward ------------------------------------------------------------------

def maxpool2d_backward_all_ties(dout, x, kernel_size, stride=None, padding=0):
    """Mistake: EVERY element equal to its window's max gets the full gradient (ties
    duplicate it). Only differs from the reference when windows have tied maxima."""
    x = as_nchw(x)
    kernel, stride, (ph, pw), out_size = pool_geometry(x.shape, kernel_size, stride, padding)
    dtype = compute_dtype(dout, x)
    H, W = x.shape[2:]
    xp = pad_hw(x.astype(dtype, copy=False), ph, pw, value=-np.inf)
    valid = pad_hw(np.ones(x.shape, dtype=bool), ph, pw, value=False)
    pooled = maxpool2d(x, kernel_size, stride, padding)
    dout = np.asarray(dout).astype(dtype, copy=False)
    dxp = np.zeros(xp.shape, dtype=dtype)
    for _, _, index in window_slices(kernel, stride, out_size):
        dxp[index] += np.where(valid[index] & (xp[index] == pooled), dout, 0)
    return dxp[:, :, ph : ph + H, pw : pw + W]


def maxpool2d_backward_average(dout, x, kernel_size, stride=None, padding=0):
    """Mistake: each window's gradient is spread evenly over its KH*KW cells (the
    average-pool gradient; the share of padded cells is dropped)."""
    x = as_nchw(x)
    kernel, stride, (ph, pw), out_size = pool_geometry(x.shape, kernel_size, stride, padding)
    dtype = compute_dtype(dout, x)
    H, W = x.shape[2:]
    share = np.asarray(dout).astype(dtype, copy=False) / (kernel[0] * kernel[1])
    dxp = np.zeros(x.shape[:2] + (H + 2 * ph, W + 2 * pw), dtype=dtype)
    for _, _, index in window_slices(kernel, stride, out_size):
        dxp[index] += share
    return dxp[:, :, ph : ph + H, pw : pw + W]


def conv2d_backward_dx_overwritten(dout, x, weight, stride=1, padding=0):
    """Mistake: `dx_padded[window] = ...` instead of `+=`, so where windows overlap the last
    window (in row-major order of the output) overwrites the others."""
    _, dweight, dbias = conv2d_backward(dout, x, weight, stride, padding)
    x = as_nchw(x)
    weight = as_nchw(weight, "weight")
    (sh, sw), (ph, pw) = pair(stride, "stride", minimum=1), pair(padding, "padding")
    KH, KW = weight.shape[2:]
    H, W = x.shape[2:]
    dout = np.asarray(dout).astype(dweight.dtype, copy=False)
    dxp = np.zeros(x.shape[:2] + (H + 2 * ph, W + 2 * pw), dtype=dweight.dtype)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dxp[:, :, i * sh : i * sh + KH, j * sw : j * sw + KW] = np.einsum(
                "nf,fchw->nchw", dout[:, :, i, j], weight.astype(dweight.dtype, copy=False))
    return dxp[:, :, ph : ph + H, pw : pw + W], dweight, dbias


def _maxpool_backward_with(dout, x, kernel_size, stride, padding, pad_wins=False, last_tie=False,
                           overwrite=False):
    """maxpool2d_backward with one of three mistakes switched on."""
    x = as_nchw(x)
    kernel, stride, (ph, pw), out_size = pool_geometry(x.shape, kernel_size, stride, padding)
    dtype = compute_dtype(dout, x)
    H, W = x.shape[2:]
    xp = pad_hw(x.astype(dtype, copy=False), ph, pw, value=0.0 if pad_wins else -np.inf)
    valid = pad_hw(np.ones(x.shape, dtype=bool), ph, pw, value=pad_wins)
    if last_tie:  # the first maximum of the reversed window is the last one of the window
        flipped = maxpool_argmax(xp[:, :, ::-1, ::-1], valid[:, :, ::-1, ::-1], kernel, stride, out_size)
        argmax = kernel[0] * kernel[1] - 1 - flipped[:, :, ::-1, ::-1]
        argmax = np.where(_fits(xp.shape, kernel, stride, out_size), argmax, -1)
    else:
        argmax = maxpool_argmax(xp, valid, kernel, stride, out_size)
    dout = np.asarray(dout).astype(dtype, copy=False)
    dxp = np.zeros(xp.shape, dtype=dtype)
    if overwrite:
        n, c = np.indices(dout.shape[:2])
        for i in range(out_size[0]):
            for j in range(out_size[1]):
                p, q = np.divmod(argmax[:, :, i, j], kernel[1])
                dxp[n, c, i * stride[0] + p, j * stride[1] + q] = dout[:, :, i, j]
    else:
        for i, j, index in window_slices(kernel, stride, out_size):
            dxp[index] += np.where(argmax == i * kernel[1] + j, dout, 0)
    return dxp[:, :, ph : ph + H, pw : pw + W]


def _fits(shape, kernel, stride, out_size):
    """Reversing the padded map lines windows up with the original ones only if no rows or
    columns are left over at the end; otherwise the last-tie variant does not apply."""
    for size, k, s, o in zip(shape[2:], kernel, stride, out_size):
        if (size - k) % s:
            raise ValueError("last-tie mistake needs windows that end at the border")
    return True


def maxpool2d_backward_last_tie(dout, x, kernel_size, stride=None, padding=0):
    """Mistake: ties go to the LAST maximum of the window (e.g. a `>=` comparison)."""
    return _maxpool_backward_with(dout, x, kernel_size, stride, padding, last_tie=True)


def maxpool2d_backward_zero_padding(dout, x, kernel_size, stride=None, padding=0):
    """Mistake: padded cells hold 0 and can win a window of negatives, so its gradient is lost."""
    return _maxpool_backward_with(dout, x, kernel_size, stride, padding, pad_wins=True)


def maxpool2d_backward_overwrite(dout, x, kernel_size, stride=None, padding=0):
    """Mistake: `dx[winner] = dout` instead of `+=`: a pixel that wins several overlapping
    windows keeps only the last window's gradient."""
    return _maxpool_backward_with(dout, x, kernel_size, stride, padding, overwrite=True)
