# Correct exercise 11: plain loops, one multiply-add at a time, group found from the filter number
import numpy as np


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def conv2d_general(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    dh, dw = _pair(dilation)
    N, C, H, W = x.shape
    F, Cg, KH, KW = weight.shape
    Fg = F // groups
    xp = np.pad(x.astype(float), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    OH = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1
    OW = (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    out = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            first_channel = (f // Fg) * Cg
            for i in range(OH):
                for j in range(OW):
                    total = 0.0
                    for c in range(Cg):
                        for p in range(KH):
                            for q in range(KW):
                                total += weight[f, c, p, q] * xp[n, first_channel + c, i * sh + p * dh, j * sw + q * dw]
                    if bias is not None:
                        total += bias[f]
                    out[n, f, i, j] = total
    return out
