# correct: sliding_window_view windows, one np.tensordot over channels and kernel cells, np.moveaxis to NCHW
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_fast(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    KH, KW = weight.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    win = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    out = np.moveaxis(np.tensordot(win, weight, axes=([1, 4, 5], [1, 2, 3])), -1, 1)
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out
