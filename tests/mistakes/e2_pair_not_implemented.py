"""Handles int stride and padding; raises NotImplementedError for (height, width) pairs, not yet written."""
import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0):
    if not (np.isscalar(stride) and np.isscalar(padding)):
        raise NotImplementedError("pairs for stride or padding are not done yet")
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    OH = (H + 2 * padding - KH) // stride + 1
    OW = (W + 2 * padding - KW) // stride + 1
    out = np.zeros((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = xp[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
            out[:, :, i, j] = np.tensordot(window, weight, axes=([1, 2, 3], [1, 2, 3]))
    if bias is not None:
        out += bias[None, :, None, None]
    return out
