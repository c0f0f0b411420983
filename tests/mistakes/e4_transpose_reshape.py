"""Channels-last before flattening: x.transpose(0, 2, 3, 1).reshape(N, -1) (Keras habit)."""
import numpy as np


def flatten(x, start_dim=1):
    if x.ndim == 4 and start_dim == 1:
        x = x.transpose(0, 2, 3, 1)
    start = start_dim % x.ndim
    return x.reshape(x.shape[:start] + (int(np.prod(x.shape[start:])),))
