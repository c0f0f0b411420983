# mistake: CS231n-style loops that never add the bias
# expect: bias missing
import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0):
    if isinstance(stride, int):
        stride = (stride, stride)
    if isinstance(padding, int):
        padding = (padding, padding)
    N, C, H, W = x.shape
    F, _, HH, WW = weight.shape
    Hout = 1 + (H + 2 * padding[0] - HH) // stride[0]
    Wout = 1 + (W + 2 * padding[1] - WW) // stride[1]
    xpad = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2), mode="constant")
    out = np.zeros((N, F, Hout, Wout))
    for n in range(N):
        for f in range(F):
            for i in range(Hout):
                for j in range(Wout):
                    hs, ws = i * stride[0], j * stride[1]
                    out[n, f, i, j] = np.sum(xpad[n, :, hs:hs + HH, ws:ws + WW] * weight[f])
    return out
