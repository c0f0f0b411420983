"""Deliberately WRONG variants of maxpool2d, the building block of exercises 3 and 5 (family pooling).

Each has maxpool2d's signature and stands in for it: exercises/families/pooling.yaml says so (`replaces`)."""

import numpy as np

from ._args import as_nchw, compute_dtype
from .conv import pad_hw
from .pool import maxpool2d, pool_geometry, window_slices


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


def maxpool2d_padding_ignored(x, kernel_size, stride=None, padding=0):
    """Mistake: the padding argument is never applied."""
    return maxpool2d(x, kernel_size, stride, 0)


def maxpool2d_max_over_channels(x, kernel_size, stride=None, padding=0):
    """Mistake: each window's max is taken over the channel axis too (.max(axis=(1, 2, 3))), so
    every channel gets the same pooled map."""
    pooled = maxpool2d(x, kernel_size, stride, padding)
    return np.broadcast_to(pooled.max(axis=1, keepdims=True), pooled.shape).copy()


def maxpool2d_padding_one_side(x, kernel_size, stride=None, padding=0):
    """Mistake: all 2*pad cells of -inf go below and to the right (np.pad with (0, 2*pad)), none
    above or to the left: the size is right, but every window covers the map pad cells lower and
    further right than it should."""
    x = as_nchw(x)
    _, _, (ph, pw), _ = pool_geometry(x.shape, kernel_size, stride, padding)
    padded = np.pad(x.astype(compute_dtype(x), copy=False), ((0, 0), (0, 0), (0, 2 * ph), (0, 2 * pw)),
                    constant_values=-np.inf)
    return maxpool2d(padded, kernel_size, stride, 0)
