# mistake: output size with / instead of //: a float size makes np.zeros raise TypeError
# expect: float index
import numpy as np


def conv2d_fast(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH = (H + 2 * ph - KH) / sh + 1
    OW = (W + 2 * pw - KW) / sw + 1
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((N, F, OH, OW))
    for a in range(KH):
        for b in range(KW):
            patch = xp[:, :, a:a + sh * (int(OH) - 1) + 1:sh, b:b + sw * (int(OW) - 1) + 1:sw]
            out += np.einsum("nchw,fc->nfhw", patch, weight[:, :, a, b])
    if bias is not None:
        out += bias[None, :, None, None]
    return out
