# mistake: adds the bias without checking for None: bias=None raises TypeError
# expect: bias can be None
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    F, C, KH, KW = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))).astype(float)
    win = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    out = np.einsum("nchwij,fcij->nfhw", win, weight)
    return out + bias[None, :, None, None]
