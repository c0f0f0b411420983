# mistake: builds the padded map on an np.zeros canvas, so the border is 0 instead of -inf
# expect: padding with zeros
import numpy as np


def maxpool2d(x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    canvas = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    canvas[:, :, ph:ph + H, pw:pw + W] = x
    oh = (H + 2 * ph - kh) // sh + 1
    ow = (W + 2 * pw - kw) // sw + 1
    out = np.zeros((N, C, oh, ow))
    for n in range(N):
        for c in range(C):
            for i in range(oh):
                for j in range(ow):
                    out[n, c, i, j] = canvas[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw].max()
    return out
