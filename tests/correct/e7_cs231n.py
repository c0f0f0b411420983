# Correct exercise 7, the CS231n way: dx = np.zeros_like(x), argmax of each window, += onto the winner.
import numpy as np


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    HH, WW = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (HH, WW) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * sh, j * sw
                    window = x_pad[n, c, hs:hs + HH, ws:ws + WW]
                    p, q = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, hs + p - ph, ws + q - pw] += dout[n, c, i, j]  # padding (-inf) never wins
    return dx
