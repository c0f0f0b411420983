# Exercise 11 mistake: "dilation" read as looking at every d-th pixel of the image
import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else v


def conv2d_general(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    dh, dw = _pair(dilation)
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    x = x[:, :, ::dh, ::dw]
    N, C, H, W = x.shape
    F, Cg, KH, KW = weight.shape
    Fg = F // groups
    xp = np.pad(x.astype(float), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    OH, OW = (H + 2 * ph - KH) // sh + 1, (W + 2 * pw - KW) // sw + 1
    out = np.zeros((N, F, OH, OW))
    for f in range(F):
        g = f // Fg
        for i in range(OH):
            for j in range(OW):
                window = xp[:, g * Cg:(g + 1) * Cg, i * sh:i * sh + KH, j * sw:j * sw + KW]
                out[:, f, i, j] = np.sum(window * weight[f], axis=(1, 2, 3))
    if bias is not None:
        out += np.asarray(bias)[None, :, None, None]
    return out
