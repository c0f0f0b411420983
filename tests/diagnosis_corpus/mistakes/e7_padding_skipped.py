# mistake: never pads: windows are taken from the unpadded x, shifted by the padding
# expect: padding ignored
import numpy as np


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    N, C, H, W = x.shape
    OH, OW = dout.shape[2:]
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    win = x[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    if win.size == 0:
                        continue
                    a, b = np.unravel_index(np.argmax(win), win.shape)
                    dx[n, c, i * sh + a, j * sw + b] += dout[n, c, i, j]
    return dx
