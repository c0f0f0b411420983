# mistake: reads the padding argument but never pads, and computes the size without it
# expect: padding ignored
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    F, C, KH, KW = weight.shape
    windows = sliding_window_view(x, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    out = np.einsum("nchwij,fcij->nfhw", windows, weight).astype(float)
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out
