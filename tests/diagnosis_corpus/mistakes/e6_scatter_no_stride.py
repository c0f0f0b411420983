# mistake: dweight uses the strided windows, but dx scatters window (i, j) at row i, column j (stride forgotten there)
# expect: gradient scattered at stride-1 positions
import numpy as np


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH, OW = dout.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp = np.zeros_like(xp)
    dweight = np.zeros_like(weight)
    for i in range(OH):
        for j in range(OW):
            g = dout[:, :, i, j]
            dweight += np.einsum("nf,nchw->fchw", g, xp[:, :, i * sh:i * sh + KH, j * sw:j * sw + KW])
            dxp[:, :, i:i + KH, j:j + KW] += np.einsum("nf,fchw->nchw", g, weight)
    return dxp[:, :, ph:ph + H, pw:pw + W], dweight, dout.sum(axis=(0, 2, 3))
