"""Picks the LAST maximum of a tie (searches the window backwards)."""
import numpy as np


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    pair = lambda v: (v, v) if np.isscalar(v) else tuple(v)
    KH, KW = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    ph, pw = pair(padding)
    N, C, H, W = x.shape
    xp = np.pad(x.astype(float), ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros(xp.shape)
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    win = xp[n, c, i * sh:i * sh + KH, j * sw:j * sw + KW]
                    win = win[::-1, ::-1]
                    p, q = np.unravel_index(np.argmax(win), win.shape)
                    p, q = KH - 1 - p, KW - 1 - q
                    dxp[n, c, i * sh + p, j * sw + q] += dout[n, c, i, j]
    return dxp[:, :, ph:ph + H, pw:pw + W]
