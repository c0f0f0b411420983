# correct: im2col filled by a loop over the kernel offsets (strided slices), one matrix product, then a transpose back
import numpy as np


def conv2d_fast(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH = (H + 2 * ph - KH) // sh + 1
    OW = (W + 2 * pw - KW) // sw + 1
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dtype = np.result_type(x, weight, np.float32)
    cols = np.empty((C, KH, KW, N, OH, OW), dtype=dtype)
    for a in range(KH):
        for b in range(KW):
            patch = xp[:, :, a:a + sh * (OH - 1) + 1:sh, b:b + sw * (OW - 1) + 1:sw]
            cols[:, a, b] = patch.transpose(1, 0, 2, 3)
    out = weight.reshape(F, -1).astype(dtype) @ cols.reshape(C * KH * KW, N * OH * OW)
    out = out.reshape(F, N, OH, OW).transpose(1, 0, 2, 3)
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out
