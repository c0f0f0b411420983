"""dx as a full correlation of dout with the unflipped kernel (stride 1 only)."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    p = padding if np.isscalar(padding) else padding[0]
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dweight = np.einsum("nfhw,nchwij->fcij", dout, sliding_window_view(xp, (KH, KW), axis=(2, 3)))
    dpad = np.pad(dout, ((0, 0), (0, 0), (KH - 1, KH - 1), (KW - 1, KW - 1)))
    dxp = np.einsum("nfhwij,fcij->nchw", sliding_window_view(dpad, (KH, KW), axis=(2, 3)), weight)
    return dxp[:, :, p:p + H, p:p + W], dweight, dout.sum(axis=(0, 2, 3))
