# Correct exercise 2, plain Python: the classic seven nested loops over every output pixel and kernel cell.
import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    OH = (H + 2 * ph - KH) // sh + 1
    OW = (W + 2 * pw - KW) // sw + 1
    out = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    total = 0.0 if bias is None else bias[f]
                    for c in range(C):
                        for p in range(KH):
                            for q in range(KW):
                                total += xp[n, c, i * sh + p, j * sw + q] * weight[f, c, p, q]
                    out[n, f, i, j] = total
    return out
