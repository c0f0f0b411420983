# mistake: as_strided windows use the unit pixel steps for the window starts: strided output size, stride-1 positions
# expect: stride only in the size
import numpy as np
from numpy.lib.stride_tricks import as_strided


def conv2d_fast(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH = (H + 2 * ph - KH) // sh + 1
    OW = (W + 2 * pw - KW) // sw + 1
    xp = np.ascontiguousarray(np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))), dtype=np.float64)
    sN, sC, sH, sW = xp.strides
    windows = as_strided(xp, shape=(N, C, OH, OW, KH, KW), strides=(sN, sC, sH, sW, sH, sW))
    out = np.einsum("nchwij,fcij->nfhw", windows, weight, optimize=True)
    if bias is not None:
        out += bias[None, :, None, None]
    return out
