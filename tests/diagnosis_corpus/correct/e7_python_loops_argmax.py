# correct: pure Python loops over every window, the winner by a strict > scan (first maximum kept), += onto it
import numpy as np


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    OH, OW = dout.shape[2:]
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    best, best_r, best_c = None, -1, -1
                    for a in range(kh):
                        for b in range(kw):
                            r, s = i * sh + a - ph, j * sw + b - pw
                            if 0 <= r < H and 0 <= s < W and (best is None or x[n, c, r, s] > best):
                                best, best_r, best_c = x[n, c, r, s], r, s
                    dx[n, c, best_r, best_c] += dout[n, c, i, j]
    return dx
