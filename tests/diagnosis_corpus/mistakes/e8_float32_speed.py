# mistake: casts the windows and filters to float32 "for speed": float64 results lose precision
# expect: float32 output
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_fast(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    F, C, KH, KW = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))).astype(np.float32)
    win = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    out = np.tensordot(win, weight.astype(np.float32), axes=([1, 4, 5], [1, 2, 3]))
    out = out.transpose(0, 3, 1, 2)
    if bias is not None:
        out = out + bias.astype(np.float32)[None, :, None, None]
    return out
