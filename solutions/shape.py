"""Reference flatten, like torch.flatten(x, start_dim) with end_dim=-1."""

import math

import numpy as np


def normalize_start_dim(ndim, start_dim):
    """Turn a possibly negative start_dim into a valid axis index (a 0-d array counts as 1-d)."""
    rank = max(ndim, 1)
    if isinstance(start_dim, bool) or not isinstance(start_dim, (int, np.integer)):
        raise ValueError(f"start_dim must be an int, got {start_dim!r}")
    if not -rank <= start_dim < rank:
        raise ValueError(f"start_dim {start_dim} is out of range for an array with {ndim} dims")
    return int(start_dim) % rank


def flatten(x, start_dim=1):
    """Merge axes start_dim..-1 into one, in row-major (C) order.

    Shapes: (d0, ..., d_{s-1}, d_s, ..., d_last) -> (d0, ..., d_{s-1}, d_s * ... * d_last).
    Negative start_dim counts from the end; a 0-d array becomes shape (1,).
    """
    x = np.asarray(x)
    start = normalize_start_dim(x.ndim, start_dim)
    if x.ndim == 0:
        return x.reshape(1)
    # math.prod instead of -1 so arrays with a zero-sized axis reshape too.
    return x.reshape(x.shape[:start] + (math.prod(x.shape[start:]),))
