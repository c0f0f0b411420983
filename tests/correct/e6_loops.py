# Correct exercise 6, plain Python: seven nested loops, each product of the forward pass sent back by hand.
import numpy as np


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    _, _, OH, OW = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp = np.zeros(xp.shape)
    dweight = np.zeros(weight.shape)
    dbias = np.zeros(F)
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    g = dout[n, f, i, j]
                    dbias[f] += g
                    for c in range(C):
                        for p in range(KH):
                            for q in range(KW):
                                dweight[f, c, p, q] += g * xp[n, c, i * sh + p, j * sw + q]
                                dxp[n, c, i * sh + p, j * sw + q] += g * weight[f, c, p, q]
    return dxp[:, :, ph:ph + H, pw:pw + W], dweight, dbias
