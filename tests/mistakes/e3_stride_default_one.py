"""stride=None treated as 1."""
import numpy as np


def maxpool2d(x, kernel_size, stride=None, padding=0):
    pair = lambda v: (v, v) if np.isscalar(v) else tuple(v)
    KH, KW = pair(kernel_size)
    sh, sw = pair(1 if stride is None else stride)
    ph, pw = pair(padding)
    N, C, H, W = x.shape
    xp = np.pad(x.astype(float), ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    OH = (H + 2 * ph - KH) // sh + 1
    OW = (W + 2 * pw - KW) // sw + 1
    out = np.empty((N, C, OH, OW))
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = xp[:, :, i * sh:i * sh + KH, j * sw:j * sw + KW].max(axis=(2, 3))
    return out
