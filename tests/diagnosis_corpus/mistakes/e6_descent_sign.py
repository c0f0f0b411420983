# mistake: negates dweight "because we step against the gradient", mixing the update rule into the gradient
# expect: negated output
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH, OW = dout.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    dweight = -np.einsum("nfhw,nchwij->fcij", dout, windows)
    dxp = np.zeros_like(xp)
    for i in range(OH):
        for j in range(OW):
            dxp[:, :, i * sh:i * sh + KH, j * sw:j * sw + KW] += np.einsum("nf,fchw->nchw", dout[:, :, i, j], weight)
    return dxp[:, :, ph:ph + H, pw:pw + W], dweight, dout.sum(axis=(0, 2, 3))
