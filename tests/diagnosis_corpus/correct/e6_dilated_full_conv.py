# correct: dx as a full correlation of the zero-dilated dout with the kernel rotated 180 degrees and its axes swapped
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH, OW = dout.shape[2:]
    Hp, Wp = H + 2 * ph, W + 2 * pw
    dilated = np.zeros((N, F, (OH - 1) * sh + 1, (OW - 1) * sw + 1), dtype=dout.dtype)
    dilated[:, :, ::sh, ::sw] = dout
    # rows and columns the strided windows never reached still need a place in the padded result
    rest_h = Hp - ((OH - 1) * sh + KH)
    rest_w = Wp - ((OW - 1) * sw + KW)
    full = np.pad(dilated, ((0, 0), (0, 0), (KH - 1, KH - 1 + rest_h), (KW - 1, KW - 1 + rest_w)))
    rotated = weight[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)  # (C, F, KH, KW)
    dxp = np.einsum("nfhwij,cfij->nchw", sliding_window_view(full, (KH, KW), axis=(2, 3)), rotated)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    dweight = np.einsum("nfhw,nchwij->fcij", dout, windows)
    return dxp[:, :, ph:ph + H, pw:pw + W], dweight, dout.sum(axis=(0, 2, 3))
