# Correct exercise 11: sliding_window_view over the span, every dil-th tap, groups as an extra einsum axis
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_general(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    ph, pw = (padding, padding) if np.isscalar(padding) else padding
    dh, dw = (dilation, dilation) if np.isscalar(dilation) else dilation
    N, C, H, W = x.shape
    F, Cg, KH, KW = weight.shape
    G = groups
    xp = np.pad(x.astype(np.result_type(x, weight, np.float32)), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    span_h, span_w = dh * (KH - 1) + 1, dw * (KW - 1) + 1
    windows = sliding_window_view(xp, (span_h, span_w), axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]
    OH, OW = windows.shape[2:4]
    windows = windows.reshape(N, G, Cg, OH, OW, KH, KW)
    kernels = weight.reshape(G, F // G, Cg, KH, KW)
    out = np.einsum("ngchwij,gfcij->ngfhw", windows, kernels).reshape(N, F, OH, OW)
    if bias is not None:
        out = out + np.asarray(bias).reshape(1, F, 1, 1)
    return out
