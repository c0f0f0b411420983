# mistake: im2col matrix product gives (F, N*OH*OW); reshaped straight to (N, F, OH, OW) instead of transposing
# expect: reshaped instead of transposed
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_fast(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))).astype(np.float64)
    win = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    OH, OW = win.shape[2:4]
    cols = win.transpose(1, 4, 5, 0, 2, 3).reshape(C * KH * KW, N * OH * OW)
    out = (weight.reshape(F, -1) @ cols).reshape(N, F, OH, OW)
    if bias is not None:
        out += bias[None, :, None, None]
    return out
