# mistake: vectorised with a mask (window == window max): every tied maximum gets the full gradient
# expect: gradient copied to every tied maximum
import numpy as np


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros_like(xp)
    OH, OW = dout.shape[2:]
    for i in range(OH):
        for j in range(OW):
            win = xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            mask = win == win.max(axis=(2, 3), keepdims=True)
            dxp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += mask * dout[:, :, i, j][:, :, None, None]
    return dxp[:, :, ph:ph + H, pw:pw + W]
