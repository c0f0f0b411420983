# mistake: returns (dweight, dx, dbias): the gradients in the wrong order
# expect: outputs in the wrong order
import numpy as np


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH, OW = dout.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(weight)
    for i in range(OH):
        for j in range(OW):
            r, c = i * sh, j * sw
            dw += np.einsum("nf,nchw->fchw", dout[:, :, i, j], xp[:, :, r:r + KH, c:c + KW])
            dxp[:, :, r:r + KH, c:c + KW] += np.einsum("nf,fchw->nchw", dout[:, :, i, j], weight)
    db = dout.sum(axis=(0, 2, 3))
    return dw, dxp[:, :, ph:ph + H, pw:pw + W], db
