# mistake: unpacks stride and padding as pairs (sh, sw = stride), so the default int 1 raises TypeError
# expect: int or pair
import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0):
    sh, sw = stride
    ph, pw = padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH = (H + 2 * ph - KH) // sh + 1
    OW = (W + 2 * pw - KW) // sw + 1
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            win = xp[:, :, i * sh:i * sh + KH, j * sw:j * sw + KW]
            out[:, :, i, j] = np.tensordot(win, weight, axes=([1, 2, 3], [1, 2, 3]))
    if bias is not None:
        out += bias[None, :, None, None]
    return out
