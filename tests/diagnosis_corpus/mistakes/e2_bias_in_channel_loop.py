# mistake: adds bias[f] inside the loop over input channels, so it is added C times
# expect: bias per input channel
import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0):
    s = (stride, stride) if isinstance(stride, int) else tuple(stride)
    p = (padding, padding) if isinstance(padding, int) else tuple(padding)
    N, C, H, W = x.shape
    F, _, kh, kw = weight.shape
    oh = (H + 2 * p[0] - kh) // s[0] + 1
    ow = (W + 2 * p[1] - kw) // s[1] + 1
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    out = np.zeros((N, F, oh, ow))
    for f in range(F):
        for c in range(C):
            for i in range(oh):
                for j in range(ow):
                    patch = xp[:, c, i * s[0]:i * s[0] + kh, j * s[1]:j * s[1] + kw]
                    out[:, f, i, j] += np.sum(patch * weight[f, c], axis=(1, 2))
                    if bias is not None:
                        out[:, f, i, j] += bias[f]
    return out
