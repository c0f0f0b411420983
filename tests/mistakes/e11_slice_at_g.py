# Exercise 11 mistake: the group's channel slice starts at g instead of g * (C // groups)
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_general(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    F, Cg, KH, KW = weight.shape
    Fg = F // groups
    xp = np.pad(x.astype(float), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = sliding_window_view(xp, (dh * (KH - 1) + 1, dw * (KW - 1) + 1), axis=(2, 3))
    windows = windows[:, :, ::sh, ::sw, ::dh, ::dw]
    parts = []
    for g in range(groups):
        block = windows[:, g:g + Cg]
        parts.append(np.einsum("nchwij,fcij->nfhw", block, weight[g * Fg:(g + 1) * Fg]))
    out = np.concatenate(parts, axis=1)
    if bias is not None:
        out = out + np.asarray(bias)[None, :, None, None]
    return out
