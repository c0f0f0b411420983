"""Fast, but the stride slice was forgotten on the windows."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_fast(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    ph, pw = (padding, padding) if np.isscalar(padding) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = sliding_window_view(xp, weight.shape[2:], axis=(2, 3))
    out = np.einsum("nchwij,fcij->nfhw", windows, weight)
    return out if bias is None else out + bias[None, :, None, None]
