"""Correct: loops only over the KH*KW kernel offsets, each step a whole-array einsum."""
import numpy as np
def conv2d_fast(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    ph, pw = (padding, padding) if np.isscalar(padding) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    N, C, H, W = xp.shape
    F, _, KH, KW = weight.shape
    OH, OW = (H - KH) // sh + 1, (W - KW) // sw + 1
    out = np.zeros((N, F, OH, OW))
    for i in range(KH):
        for j in range(KW):
            patch = xp[:, :, i:i + sh * (OH - 1) + 1:sh, j:j + sw * (OW - 1) + 1:sw]
            out += np.einsum("nchw,fc->nfhw", patch, weight[:, :, i, j], optimize=True)
    return out if bias is None else out + bias[None, :, None, None]
