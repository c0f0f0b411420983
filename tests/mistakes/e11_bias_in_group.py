# Exercise 11 mistake: inside the loop over groups, bias indexed by the filter's number within the group
import numpy as np


def conv2d_general(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    N, C, H, W = x.shape
    F, Cg, KH, KW = weight.shape
    Fg = F // groups
    xp = np.pad(x.astype(float), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    OH = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1
    OW = (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    out = np.zeros((N, F, OH, OW))
    for g in range(groups):
        for k in range(Fg):
            f = g * Fg + k
            for p in range(KH):
                for q in range(KW):
                    tap = xp[:, g * Cg:(g + 1) * Cg, p * dh:p * dh + sh * (OH - 1) + 1:sh,
                             q * dw:q * dw + sw * (OW - 1) + 1:sw]
                    out[:, f] += np.einsum("nchw,c->nhw", tap, weight[f, :, p, q])
            if bias is not None:
                out[:, f] += bias[k]
    return out
