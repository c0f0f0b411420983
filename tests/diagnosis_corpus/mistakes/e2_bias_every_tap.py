# mistake: seven nested loops with the bias added in the innermost loop, once per kernel cell and channel
# expect: bias added at every kernel tap
import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH = (H + 2 * ph - KH) // sh + 1
    OW = (W + 2 * pw - KW) // sw + 1
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    acc = 0.0
                    for c in range(C):
                        for u in range(KH):
                            for v in range(KW):
                                acc += xp[n, c, i * sh + u, j * sw + v] * weight[f, c, u, v]
                                if bias is not None:
                                    acc += bias[f]
                    out[n, f, i, j] = acc
    return out
