# mistake: never pads: the size and the windows are computed on the unpadded map
# expect: pooling padding ignored
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def maxpool2d(x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if np.isscalar(kernel_size) else kernel_size
    if stride is None:
        sh, sw = kh, kw
    else:
        sh, sw = (stride, stride) if np.isscalar(stride) else stride
    windows = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    return windows.max(axis=(-2, -1)).astype(float)
