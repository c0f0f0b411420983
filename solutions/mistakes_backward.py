"""Deliberately WRONG variants of the backward passes: conv2d_backward (family conv-backward, exercise 6) and
maxpool2d_backward (family pool-backward, exercise 7). Each has the signature of the reference it stands in for."""

import numpy as np

from ._args import as_nchw, compute_dtype, pair
from .backward import conv2d_backward, conv2d_input_grad, maxpool2d_backward, maxpool_argmax
from .conv import pad_hw
from .pool import maxpool2d, pool_geometry, window_slices


def _conv2d_backward_with_kernel(dout, x, weight, stride, padding, kernel_for_dx, scatter_stride=None):
    """Reference dweight/dbias, but dx is scattered with a (wrongly) transformed kernel, or with windows
    `scatter_stride` apart instead of `stride` apart."""
    _, dweight, dbias = conv2d_backward(dout, x, weight, stride, padding)
    x = np.asarray(x)
    sh_sw = pair(stride if scatter_stride is None else scatter_stride, "stride", minimum=1)
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


def conv2d_backward_dx_first_image(dout, x, weight, stride=1, padding=0):
    """Mistake: the batch index is dropped from dx's scatter (dout[0] used for every image), so
    every image gets the first image's dx."""
    dx, dweight, dbias = conv2d_backward(dout, x, weight, stride, padding)
    return np.broadcast_to(dx[:1], dx.shape).copy(), dweight, dbias


def conv2d_backward_dweight_mean(dout, x, weight, stride=1, padding=0):
    """Mistake: dweight is divided by the batch size N (averaged over the images) instead of summed."""
    dx, dweight, dbias = conv2d_backward(dout, x, weight, stride, padding)
    return dx, dweight / np.asarray(x).shape[0], dbias


def maxpool2d_backward_stride_one(dout, x, kernel_size, stride=None, padding=0):
    """Mistake: with no stride given, the windows move one pixel at a time (stride 1 instead of
    kernel_size); there are as many windows as dout has values, so they start 0, 1, 2, ..."""
    if stride is not None:
        return maxpool2d_backward(dout, x, kernel_size, stride, padding)
    x = as_nchw(x)
    kernel, _, (ph, pw), _ = pool_geometry(x.shape, kernel_size, None, padding)
    dout = np.asarray(dout)
    if dout.ndim != 4 or dout.shape[:2] != x.shape[:2]:
        raise ValueError(f"dout {dout.shape} does not fit x {x.shape}")
    out_size, ones = dout.shape[2:], (1, 1)
    dtype = compute_dtype(dout, x)
    H, W = x.shape[2:]
    xp = pad_hw(x.astype(dtype, copy=False), ph, pw, value=-np.inf)
    valid = pad_hw(np.ones(x.shape, dtype=bool), ph, pw, value=False)
    argmax = maxpool_argmax(xp, valid, kernel, ones, out_size)
    dxp = np.zeros(xp.shape, dtype=dtype)
    for i, j, index in window_slices(kernel, ones, out_size):
        dxp[index] += np.where(argmax == i * kernel[1] + j, dout.astype(dtype, copy=False), 0)
    return dxp[:, :, ph : ph + H, pw : pw + W]


# --- conv2d_backward: the batch, the bias and the stride ------------------------------------------------

def conv2d_backward_dx_stride_one(dout, x, weight, stride=1, padding=0):
    """Mistake: dx adds window (i, j)'s gradient at row i, column j of the padded input, as if the
    stride were 1 (dweight and dbias use the strided windows, as they should)."""
    weight = as_nchw(weight, "weight")
    return _conv2d_backward_with_kernel(dout, x, weight, stride, padding, weight, scatter_stride=1)


def conv2d_backward_dweight_first_image(dout, x, weight, stride=1, padding=0):
    """Mistake: dweight sums the products of image 0 only (x[0] and dout[0]), not of the whole batch."""
    dx, _, dbias = conv2d_backward(dout, x, weight, stride, padding)
    _, dweight, _ = conv2d_backward(np.asarray(dout)[:1], as_nchw(x)[:1], weight, stride, padding)
    return dx, dweight, dbias


def conv2d_backward_dbias_total(dout, x, weight, stride=1, padding=0):
    """Mistake: dbias = np.sum(dout), summed over every axis, filters included: one number (0-d) where
    there should be one per filter."""
    dx, dweight, dbias = conv2d_backward(dout, x, weight, stride, padding)
    return dx, dweight, np.asarray(dbias.sum())


def conv2d_backward_dbias_total_per_filter(dout, x, weight, stride=1, padding=0):
    """Mistake: every entry of dbias gets the sum of all of dout (e.g. dbias[f] = np.sum(dout) in a
    loop over the filters), not the sum of filter f's maps."""
    dx, dweight, dbias = conv2d_backward(dout, x, weight, stride, padding)
    return dx, dweight, np.full_like(dbias, dbias.sum())


def conv2d_backward_dbias_batch_mean(dout, x, weight, stride=1, padding=0):
    """Mistake: dbias is summed over the positions but averaged over the batch (divided by N)."""
    dx, dweight, dbias = conv2d_backward(dout, x, weight, stride, padding)
    return dx, dweight, dbias / as_nchw(x).shape[0]


def conv2d_backward_params_batch_mean(dout, x, weight, stride=1, padding=0):
    """Mistake: dweight and dbias are both divided by the batch size N (averaged over the images, as if
    the loss were a mean), where the gradient of sum(dout * out) sums them."""
    dx, dweight, dbias = conv2d_backward(dout, x, weight, stride, padding)
    count = as_nchw(x).shape[0]
    return dx, dweight / count, dbias / count


# --- maxpool2d_backward: padding and channels ------------------------------------------------------------

def _winners(x, kernel_size, stride, padding, dout, pad_before=True):
    """What a max-pool backward needs: the padded float map, which cells are real, each window's first
    maximum, the geometry and dout. Padding goes on all four sides, or (pad_before=False) all of it
    below and to the right, where it only completes the windows that run past the map's edge."""
    x = as_nchw(x)
    kernel, stride, (ph, pw), out_size = pool_geometry(x.shape, kernel_size, stride, padding)
    dout = np.asarray(dout)
    if dout.shape != x.shape[:2] + tuple(out_size):
        raise ValueError(f"dout must have the output shape {x.shape[:2] + tuple(out_size)}, got {dout.shape}")
    dtype = compute_dtype(dout, x)
    sides = ((ph, ph), (pw, pw)) if pad_before else ((0, 2 * ph), (0, 2 * pw))
    xp = np.pad(x.astype(dtype, copy=False), ((0, 0), (0, 0)) + sides, constant_values=-np.inf)
    valid = np.pad(np.ones(x.shape, dtype=bool), ((0, 0), (0, 0)) + sides, constant_values=False)
    argmax = maxpool_argmax(xp, valid, kernel, stride, out_size)
    return xp, argmax, kernel, stride, out_size, dout.astype(dtype, copy=False)


def _scatter_to_winners(dout, argmax, shape, kernel, stride, out_size):
    """The padded map's gradient: each window's dout added to the cell its argmax names."""
    dxp = np.zeros(shape, dtype=dout.dtype)
    for i, j, index in window_slices(kernel, stride, out_size):
        dxp[index] += np.where(argmax == i * kernel[1] + j, dout, 0)
    return dxp


def maxpool2d_backward_padding_ignored(dout, x, kernel_size, stride=None, padding=0):
    """Mistake: the padding is never applied: window (i, j) is cut from x itself at row i*stride_h,
    column j*stride_w (the part past the edge cut off, as slicing does), and its gradient goes to
    its maximum there."""
    xp, argmax, kernel, stride, out_size, dout = _winners(x, kernel_size, stride, padding, dout, pad_before=False)
    dxp = _scatter_to_winners(dout, argmax, xp.shape, kernel, stride, out_size)
    H, W = np.shape(x)[2:]
    return dxp[:, :, :H, :W]  # a window of padding only sent its gradient to a padded cell: cut off here


def maxpool2d_backward_max_over_channels(dout, x, kernel_size, stride=None, padding=0):
    """Mistake: each window's winner is searched over every channel at once (np.argmax of
    x_padded[n, :, window]); only the channel holding it gets a gradient, its own dout, there."""
    xp, argmax, kernel, stride, out_size, dout = _winners(x, kernel_size, stride, padding, dout)
    best = np.full(argmax.shape, -np.inf, dtype=xp.dtype)  # each channel's window maximum
    for i, j, index in window_slices(kernel, stride, out_size):
        best = np.where(argmax == i * kernel[1] + j, xp[index], best)
    # np.argmax picks the first channel holding the largest value (or the first NaN), as the flat
    # argmax over (channel, row, column) does
    channel = np.argmax(best, axis=1)[:, None]
    mine = np.arange(best.shape[1])[None, :, None, None] == channel
    dxp = _scatter_to_winners(np.where(mine, dout, 0), argmax, xp.shape, kernel, stride, out_size)
    (ph, pw), (H, W) = pair(padding, "padding"), np.shape(x)[2:]
    return dxp[:, :, ph : ph + H, pw : pw + W]


def maxpool2d_backward_times_input(dout, x, kernel_size, stride=None, padding=0):
    """Mistake: each window sends dout times its winning value back (as if the max were a product), so
    dx is the right gradient times x, cell by cell."""
    dx = maxpool2d_backward(dout, x, kernel_size, stride, padding)
    return dx * as_nchw(x).astype(dx.dtype, copy=False)
