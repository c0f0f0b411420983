# mistake: slides the window one pixel at a time whatever the stride (stride never used)
# expect: stride ignored
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d(x, weight, bias=None, stride=1, padding=0):
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    KH, KW = weight.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))).astype(np.float64)
    win = sliding_window_view(xp, (KH, KW), axis=(2, 3))
    out = np.tensordot(win, weight, axes=([1, 4, 5], [1, 2, 3]))  # (N, OH, OW, F)
    out = out.transpose(0, 3, 1, 2)
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out
