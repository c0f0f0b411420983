# Correct exercise 9, vectorised: the per-layer numbers as (L, 2) arrays, jumps by cumprod, sizes and starts by cumsum.
import numpy as np


def _pairs(layers, key, default):
    return np.array([np.broadcast_to(layer.get(key, default), (2,)) for layer in layers], dtype=np.int64).reshape(-1, 2)


def receptive_field(layers):
    k = _pairs(layers, "kernel", 1)
    s = _pairs(layers, "stride", 1)
    p = _pairs(layers, "padding", 0)
    d = _pairs(layers, "dilation", 1)
    jump = np.cumprod(s, axis=0)
    jump_before = np.vstack([np.ones((1, 2), dtype=np.int64), jump[:-1]])
    size = 1 + np.cumsum(d * (k - 1) * jump_before, axis=0)
    start = -np.cumsum(p * jump_before, axis=0)
    return size, jump, start
