# correct: the reshape trick for non-overlapping, unpadded windows (cropping the remainder), loops otherwise
import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def maxpool2d(x, kernel_size, stride=None, padding=0):
    kh, kw = _pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else _pair(stride)
    ph, pw = _pair(padding)
    N, C, H, W = x.shape
    OH = (H + 2 * ph - kh) // sh + 1
    OW = (W + 2 * pw - kw) // sw + 1
    xf = x.astype(float) if x.dtype.kind in "iub" else x
    if (sh, sw) == (kh, kw) and (ph, pw) == (0, 0):
        blocks = xf[:, :, :OH * kh, :OW * kw].reshape(N, C, OH, kh, OW, kw)
        return blocks.max(axis=(3, 5))
    xp = np.pad(xf, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    out = np.empty((N, C, OH, OW), dtype=xf.dtype)
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].max(axis=(2, 3))
    return out
