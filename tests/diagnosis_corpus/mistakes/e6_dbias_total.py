# mistake: dbias = np.sum(dout): one number for all filters instead of one per filter
# expect: dbias summed over filters too
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
    dweight = np.einsum("nfhw,nchwij->fcij", dout, windows)
    dxp = np.zeros_like(xp)
    for a in range(KH):
        for b in range(KW):
            dxp[:, :, a:a + sh * (OH - 1) + 1:sh, b:b + sw * (OW - 1) + 1:sw] += np.einsum(
                "nfhw,fc->nchw", dout, weight[:, :, a, b])
    dbias = np.sum(dout)
    return dxp[:, :, ph:ph + H, pw:pw + W], dweight, dbias
