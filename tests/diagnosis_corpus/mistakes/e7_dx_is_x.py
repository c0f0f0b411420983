# mistake: dx = x then dx[:] = 0: "dx" is the caller's x itself, zeroed and overwritten: right dx, input changed
# expect: input changed
import numpy as np


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    OH, OW = dout.shape[2:]
    dx = x
    dx[:] = 0
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    win = xp[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    a, b = np.unravel_index(np.argmax(win), win.shape)
                    r, s = i * sh + a - ph, j * sw + b - pw
                    dx[n, c, r, s] += dout[n, c, i, j]
    return dx
