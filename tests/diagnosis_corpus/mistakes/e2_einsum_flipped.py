# mistake: flips the filters with [..., ::-1, ::-1] "as in the textbook convolution" before a vectorised einsum
# expect: kernel flipped
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    ph, pw = (padding, padding) if np.isscalar(padding) else padding
    KH, KW = weight.shape[2:]
    xp = np.pad(x.astype(float), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    win = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    kernel = weight[:, :, ::-1, ::-1]
    out = np.einsum("nchwij,fcij->nfhw", win, kernel)
    if bias is not None:
        out += bias.reshape(1, -1, 1, 1)
    return out
