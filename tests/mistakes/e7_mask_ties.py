"""Mask x == max per window (the vectorised habit): ties all get the gradient."""
import numpy as np


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    pair = lambda v: (v, v) if np.isscalar(v) else tuple(v)
    KH, KW = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    ph, pw = pair(padding)
    N, C, H, W = x.shape
    xp = np.pad(x.astype(float), ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros(xp.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            win = xp[:, :, i * sh:i * sh + KH, j * sw:j * sw + KW]
            mask = win == win.max(axis=(2, 3), keepdims=True)
            dxp[:, :, i * sh:i * sh + KH, j * sw:j * sw + KW] += mask * dout[:, :, i, j][:, :, None, None]
    return dxp[:, :, ph:ph + H, pw:pw + W]
