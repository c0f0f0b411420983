# correct: the CS231n four-loop version (images, filters, rows, columns) with np.sum over each window
import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0):
    stride = (stride, stride) if isinstance(stride, int) else tuple(stride)
    padding = (padding, padding) if isinstance(padding, int) else tuple(padding)
    N, C, H, W = x.shape
    F, _, HH, WW = weight.shape
    H_out = 1 + (H + 2 * padding[0] - HH) // stride[0]
    W_out = 1 + (W + 2 * padding[1] - WW) // stride[1]
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1])), mode="constant")
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            b = 0.0 if bias is None else bias[f]
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride[0], j * stride[1]
                    out[n, f, i, j] = np.sum(x_pad[n, :, hs:hs + HH, ws:ws + WW] * weight[f]) + b
    return out
