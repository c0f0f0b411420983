# Correct exercise 11: as_strided windows whose tap strides are the dilation, tensordot per group
import numpy as np
from numpy.lib.stride_tricks import as_strided


def conv2d_general(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    sh, sw = stride if isinstance(stride, tuple) else (stride, stride)
    ph, pw = padding if isinstance(padding, tuple) else (padding, padding)
    dh, dw = dilation if isinstance(dilation, tuple) else (dilation, dilation)
    N, C, H, W = x.shape
    F, Cg, KH, KW = weight.shape
    xp = np.ascontiguousarray(np.pad(np.asarray(x, dtype=np.float64), ((0, 0), (0, 0), (ph, ph), (pw, pw))))
    OH = (xp.shape[2] - (dh * (KH - 1) + 1)) // sh + 1
    OW = (xp.shape[3] - (dw * (KW - 1) + 1)) // sw + 1
    s = xp.strides
    windows = as_strided(xp, shape=(N, C, OH, OW, KH, KW),
                         strides=(s[0], s[1], s[2] * sh, s[3] * sw, s[2] * dh, s[3] * dw), writeable=False)
    Fg = F // groups
    parts = []
    for g in range(groups):
        block = windows[:, g * Cg:(g + 1) * Cg]
        filters = weight[g * Fg:(g + 1) * Fg].astype(np.float64)
        parts.append(np.tensordot(block, filters, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2))
    out = np.concatenate(parts, axis=1)
    if bias is not None:
        out = out + np.asarray(bias, dtype=np.float64)[None, :, None, None]
    return out
