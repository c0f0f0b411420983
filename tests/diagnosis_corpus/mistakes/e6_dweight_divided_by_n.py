# mistake: divides dweight by the batch size, as if the loss were averaged over the batch
# expect: dweight averaged over the batch
import numpy as np


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    _, _, OH, OW = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(weight)
    for i in range(OH):
        for j in range(OW):
            hs, ws = i * sh, j * sw
            window = x_pad[:, :, hs:hs + KH, ws:ws + KW]
            dw += np.einsum("nf,nchw->fchw", dout[:, :, i, j], window)
            dx_pad[:, :, hs:hs + KH, ws:ws + KW] += np.einsum("nf,fchw->nchw", dout[:, :, i, j], weight)
    dw /= N
    db = dout.sum(axis=(0, 2, 3))
    return dx_pad[:, :, ph:ph + H, pw:pw + W], dw, db
