# mistake: loops over filters and writes each window's dx with =, so only the last filter's gradient survives
# expect: dx overwritten instead of added
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
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                r, c = i * sh, j * sw
                for f in range(F):
                    dw[f] += dout[n, f, i, j] * xp[n, :, r:r + KH, c:c + KW]
                    dxp[n, :, r:r + KH, c:c + KW] = dout[n, f, i, j] * weight[f]
    return dxp[:, :, ph:ph + H, pw:pw + W], dw, dout.sum(axis=(0, 2, 3))
