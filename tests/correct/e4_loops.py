# Correct exercise 4, plain Python: every element copied by a loop to its row-major place.
import numpy as np


def flatten(x, start_dim=1):
    start = start_dim % x.ndim
    kept = x.shape[:start]
    merged = 1
    for size in x.shape[start:]:
        merged *= size
    out = np.zeros(kept + (merged,), dtype=x.dtype)
    for index in np.ndindex(*x.shape):
        column = 0
        for axis in range(start, x.ndim):
            column = column * x.shape[axis] + index[axis]
        out[index[:start] + (column,)] = x[index]
    return out
