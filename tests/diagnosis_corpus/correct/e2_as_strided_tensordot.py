# correct: as_strided windows that already step by the stride, contracted with np.tensordot
import numpy as np
from numpy.lib.stride_tricks import as_strided


def _pair(v):
    return (v, v) if np.isscalar(v) else tuple(v)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH = (H + 2 * ph - KH) // sh + 1
    OW = (W + 2 * pw - KW) // sw + 1
    xp = np.ascontiguousarray(np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))), dtype=np.float64)
    sN, sC, sH, sW = xp.strides
    windows = as_strided(xp, shape=(N, C, OH, OW, KH, KW),
                         strides=(sN, sC, sH * sh, sW * sw, sH, sW), writeable=False)
    out = np.tensordot(windows, weight, axes=([1, 4, 5], [1, 2, 3]))  # (N, OH, OW, F)
    out = np.moveaxis(out, 3, 1)
    if bias is not None:
        out = out + np.asarray(bias).reshape(1, -1, 1, 1)
    return out
