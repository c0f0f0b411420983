"""Deliberately WRONG variants of global_avg_pool, exercise 10's reference (family global-pooling).

Each has global_avg_pool's signature and stands in for it."""

from ._args import as_nchw, compute_dtype


def _float(x):
    x = as_nchw(x)
    return x.astype(compute_dtype(x), copy=False)


def global_avg_pool_over_channels(x):
    """Mistake: the mean runs over the channels too, x.mean(axis=(1, 2, 3)): one number per image, shape (N,)."""
    return _float(x).mean(axis=(1, 2, 3))


def global_avg_pool_over_batch(x):
    """Mistake: the mean runs over the batch instead of the rows, x.mean(axis=(0, 2, 3)): shape (C,)."""
    return _float(x).mean(axis=(0, 2, 3))


def global_avg_pool_over_channels_and_height(x):
    """Mistake: x.mean(axis=(1, 2)), the channels and the rows averaged: shape (N, W)."""
    return _float(x).mean(axis=(1, 2))


def global_avg_pool_sum(x):
    """Mistake: each map is summed, not averaged (H*W times too large)."""
    return _float(x).sum(axis=(2, 3))


def global_avg_pool_keepdims(x):
    """Mistake: keepdims=True leaves the pooled axes in place: shape (N, C, 1, 1)."""
    return _float(x).mean(axis=(2, 3), keepdims=True)


def global_avg_pool_max(x):
    """Mistake: global MAX pooling, the largest value of each map instead of its mean."""
    return _float(x).max(axis=(2, 3))


def global_avg_pool_floor_division(x):
    """Mistake: the sum is divided with // (floor division), which drops the fractions of a mean."""
    x = as_nchw(x)
    return x.sum(axis=(2, 3)) // (x.shape[2] * x.shape[3])
