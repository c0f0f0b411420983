# mistake: reshapes the caller's bias in place (bias.shape = (1, F, 1, 1)) to broadcast it: right values, input changed
# expect: input changed
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    F, C, KH, KW = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))).astype(float)
    win = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    out = np.einsum("nchwij,fcij->nfhw", win, weight)
    if bias is not None:
        bias.shape = (1, F, 1, 1)
        out = out + bias
    return out
