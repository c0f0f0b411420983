"""Argument helpers shared by the reference solutions: int-or-pair parsing and dtype choice."""

import numpy as np


def pair(value, name, minimum=0):
    """Return ``value`` as an (h, w) tuple of ints; accepts an int or a 2-item tuple/list."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (h, w), got {value!r}")
        h, w = value
    else:
        h = w = value
    for v in (h, w):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name} must contain ints, got {value!r}")
        if v < minimum:
            raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(h), int(w)


def compute_dtype(*arrays):
    """Float dtype to compute in: integers/bools count as float64, floats keep their own
    precision, and the result is at least float32 (so float32 in -> float32 out)."""
    dtypes = []
    for a in arrays:
        if a is None:
            continue
        dt = np.asarray(a).dtype
        dtypes.append(dt if np.issubdtype(dt, np.floating) else np.dtype(np.float64))
    return np.result_type(*dtypes, np.float32)


def as_nchw(x, name="x"):
    """Check that ``x`` is 4-D (N, C, H, W) and return it as an ndarray."""
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"{name} must be 4-D (N, C, H, W), got shape {x.shape}")
    return x


def pad_hw(x, ph, pw, value=0.0):
    """Pad the last two axes of an NCHW array by (ph, pw) on each side."""
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)
