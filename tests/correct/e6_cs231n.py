# Correct exercise 6, the CS231n way: loops over output pixels, gradients allocated with np.zeros_like.
import numpy as np


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, HH, WW = weight.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant")
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(weight)
    db = np.zeros_like(weight, shape=(F,))
    for n in range(N):
        for f in range(F):
            db[f] += dout[n, f].sum()
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * sh, j * sw
                    dw[f] += x_pad[n, :, hs:hs + HH, ws:ws + WW] * dout[n, f, i, j]
                    dx_pad[n, :, hs:hs + HH, ws:ws + WW] += weight[f] * dout[n, f, i, j]
    dx = dx_pad[:, :, ph:ph + H, pw:pw + W]
    return dx, dw, db
