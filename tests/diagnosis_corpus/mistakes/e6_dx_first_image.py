# mistake: the dx scatter uses dout[0] for every image (the batch loop was dropped when vectorising)
# expect: dx from the first image only
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH, OW = dout.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    win = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    dweight = np.einsum("nfhw,nchwij->fcij", dout, win)
    dbias = dout.sum(axis=(0, 2, 3))
    dxp = np.zeros_like(xp)
    for i in range(OH):
        for j in range(OW):
            contribution = np.einsum("f,fckl->ckl", dout[0, :, i, j], weight)
            dxp[:, :, i * sh:i * sh + KH, j * sw:j * sw + KW] += contribution
    dx = dxp[:, :, ph:ph + H, pw:pw + W]
    return dx, dweight, dbias
