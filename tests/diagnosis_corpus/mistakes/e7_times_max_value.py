# mistake: sends dout times the winning value back, as if the max were a product
# expect: gradient times the input
import numpy as np


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros_like(xp)
    OH, OW = dout.shape[2:]
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    win = xp[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    a, b = np.unravel_index(np.argmax(win), win.shape)
                    dxp[n, c, i * sh + a, j * sw + b] += dout[n, c, i, j] * win[a, b]
    return dxp[:, :, ph:ph + H, pw:pw + W]
