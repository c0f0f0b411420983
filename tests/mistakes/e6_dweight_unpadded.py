"""dweight from the unpadded x (wrong windows when padding > 0)."""
import numpy as np


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    ph, pw = (padding, padding) if np.isscalar(padding) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))).astype(float)
    dxp = np.zeros_like(xp)
    dweight = np.zeros(weight.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i * sh, i * sh + KH), slice(j * sw, j * sw + KW)
            dweight += np.einsum("nf,nchw->fchw", dout[:, :, i, j], x[:, :, rows, cols])
            dxp[:, :, rows, cols] += np.einsum("nf,fchw->nchw", dout[:, :, i, j], weight)
    return dxp[:, :, ph:ph + H, pw:pw + W], dweight, dout.sum(axis=(0, 2, 3))
