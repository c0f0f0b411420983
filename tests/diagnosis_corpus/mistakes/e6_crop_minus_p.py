# mistake: crops the padding with dx_pad[:, :, p:-p, p:-p], which is empty when p = 0
# expect: empty slice
import numpy as np


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    s = stride if isinstance(stride, int) else stride[0]
    t = stride if isinstance(stride, int) else stride[1]
    p = padding if isinstance(padding, int) else padding[0]
    q = padding if isinstance(padding, int) else padding[1]
    F, C, KH, KW = weight.shape
    OH, OW = dout.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (q, q)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(weight)
    for i in range(OH):
        for j in range(OW):
            win = xp[:, :, i * s:i * s + KH, j * t:j * t + KW]
            dw += np.tensordot(dout[:, :, i, j], win, axes=([0], [0]))
            dxp[:, :, i * s:i * s + KH, j * t:j * t + KW] += np.tensordot(dout[:, :, i, j], weight, axes=([1], [0]))
    dx = dxp[:, :, p:-p, q:-q]
    return dx, dw, dout.sum(axis=(0, 2, 3))
