# Exercise 11 mistake: filter f goes to group f % groups
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_general(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    F, Cg, KH, KW = weight.shape
    xp = np.pad(x.astype(float), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = sliding_window_view(xp, (dh * (KH - 1) + 1, dw * (KW - 1) + 1), axis=(2, 3))
    windows = windows[:, :, ::sh, ::sw, ::dh, ::dw]
    maps = []
    for f in range(F):
        g = f % groups
        block = windows[:, g * Cg:(g + 1) * Cg]
        maps.append(np.einsum("nchwij,cij->nhw", block, weight[f]))
    out = np.stack(maps, axis=1)
    if bias is not None:
        out = out + np.asarray(bias)[None, :, None, None]
    return out
