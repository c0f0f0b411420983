# correct: index arrays for every window cell, gradients gathered with einsum and scattered with np.add.at
import numpy as np


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH, OW = dout.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    rows = (np.arange(OH) * sh)[:, None, None, None] + np.arange(KH)[None, None, :, None]  # (OH, 1, KH, 1)
    cols = (np.arange(OW) * sw)[None, :, None, None] + np.arange(KW)[None, None, None, :]  # (1, OW, 1, KW)
    windows = xp[:, :, rows, cols]  # (N, C, OH, OW, KH, KW)
    dweight = np.einsum("nfhw,nchwij->fcij", dout, windows)
    dbias = dout.sum(axis=(0, 2, 3))
    dwindows = np.einsum("nfhw,fcij->nchwij", dout, weight)
    dxp = np.zeros_like(xp)
    np.add.at(dxp, (slice(None), slice(None), rows, cols), dwindows)
    return dxp[:, :, ph:ph + H, pw:pw + W], dweight, dbias
