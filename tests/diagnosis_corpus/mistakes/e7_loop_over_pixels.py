# mistake: loops over input rows range(0, H, stride) and indexes dout[h // stride]: past the last window it runs off dout
# expect: index out of range
import numpy as np


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros_like(xp)
    for n in range(N):
        for c in range(C):
            for h in range(0, H + 2 * ph - kh + 1, sh):
                for w in range(0, W + 2 * pw, sw):
                    win = xp[n, c, h:h + kh, w:w + kw]
                    a, b = np.unravel_index(np.argmax(win), win.shape)
                    dxp[n, c, h + a, w + b] += dout[n, c, h // sh, w // sw]
    return dxp[:, :, ph:ph + H, pw:pw + W]
