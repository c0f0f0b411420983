# mistake: dx as a full correlation of the (zero-dilated) dout with the kernel, but the kernel is not rotated 180 degrees
# expect: kernel not flipped in dx
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH, OW = dout.shape[2:]
    Hp, Wp = H + 2 * ph, W + 2 * pw
    # put stride - 1 zeros between dout values, then pad the full KH - 1 / KW - 1 border
    dil = np.zeros((N, F, (OH - 1) * sh + 1, (OW - 1) * sw + 1), dtype=dout.dtype)
    dil[:, :, ::sh, ::sw] = dout
    extra_h = Hp - ((OH - 1) * sh + KH)
    extra_w = Wp - ((OW - 1) * sw + KW)
    dil = np.pad(dil, ((0, 0), (0, 0), (KH - 1, KH - 1 + extra_h), (KW - 1, KW - 1 + extra_w)))
    win = sliding_window_view(dil, (KH, KW), axis=(2, 3))
    dxp = np.einsum("nfhwij,fcij->nchw", win, weight)
    dx = dxp[:, :, ph:ph + H, pw:pw + W]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    xwin = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    dweight = np.einsum("nfhw,nchwij->fcij", dout, xwin)
    return dx, dweight, dout.sum(axis=(0, 2, 3))
