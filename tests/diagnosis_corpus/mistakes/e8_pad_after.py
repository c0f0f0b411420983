# mistake: pads 2 * pad after the image (bottom and right) and nothing before it
# expect: padding on one side only
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_fast(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    F, C, KH, KW = weight.shape
    xp = np.pad(x.astype(float), ((0, 0), (0, 0), (0, 2 * ph), (0, 2 * pw)))
    win = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    out = np.einsum("nchwij,fcij->nfhw", win, weight, optimize=True)
    if bias is not None:
        out += bias[None, :, None, None]
    return out
