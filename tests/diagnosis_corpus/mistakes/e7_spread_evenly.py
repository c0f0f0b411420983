# mistake: spreads each window's gradient evenly over its cells (dout / (KH * KW)), as average pooling would
# expect: gradient spread like average pooling
import numpy as np


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    OH, OW = dout.shape[2:]
    dxp = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    for i in range(OH):
        for j in range(OW):
            share = dout[:, :, i, j] / (kh * kw)
            dxp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += share[:, :, None, None]
    return dxp[:, :, ph:ph + H, pw:pw + W]
