# Exercise 11 mistake: dilation and groups right, but the kernel is flipped (a true convolution)
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_general(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    N, C, H, W = x.shape
    F, Cg, KH, KW = weight.shape
    kernel = weight[:, :, ::-1, ::-1]
    xp = np.pad(x.astype(float), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = sliding_window_view(xp, (dh * (KH - 1) + 1, dw * (KW - 1) + 1), axis=(2, 3))
    windows = windows[:, :, ::sh, ::sw, ::dh, ::dw]
    OH, OW = windows.shape[2:4]
    out = np.einsum("ngchwij,gfcij->ngfhw", windows.reshape(N, groups, Cg, OH, OW, KH, KW),
                    kernel.reshape(groups, F // groups, Cg, KH, KW)).reshape(N, F, OH, OW)
    if bias is not None:
        out = out + np.asarray(bias)[None, :, None, None]
    return out
