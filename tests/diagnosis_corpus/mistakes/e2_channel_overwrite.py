# mistake: loops over channels with = instead of +=, so only the last input channel survives
# expect: channels not summed
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
            for c in range(C):
                for i in range(OH):
                    for j in range(OW):
                        region = xp[n, c, i * sh:i * sh + KH, j * sw:j * sw + KW]
                        out[n, f, i, j] = np.sum(region * weight[f, c])
            if bias is not None:
                out[n, f] += bias[f]
    return out
