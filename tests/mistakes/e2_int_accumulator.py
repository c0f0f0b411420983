"""Allocates the output with np.zeros_like(x, shape=...), then adds float sums into it: integer inputs crash."""
import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    ph, pw = (padding, padding) if np.isscalar(padding) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH = (H + 2 * ph - KH) // sh + 1
    OW = (W + 2 * pw - KW) // sw + 1
    out = np.zeros_like(x, shape=(N, F, OH, OW))  # the mistake: an integer x makes an integer output
    xp = np.pad(x.astype(float), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    for i in range(OH):
        for j in range(OW):
            window = xp[:, :, i * sh:i * sh + KH, j * sw:j * sw + KW]
            out[:, :, i, j] += np.tensordot(window, weight, axes=([1, 2, 3], [1, 2, 3]))
    if bias is not None:
        out += bias[None, :, None, None]
    return out
