# Correct exercise 11: im2col with index arrays (CS231n style), one matrix product per group
import numpy as np


def conv2d_general(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    if isinstance(stride, int):
        stride = (stride, stride)
    if isinstance(padding, int):
        padding = (padding, padding)
    if isinstance(dilation, int):
        dilation = (dilation, dilation)
    N, C, H, W = x.shape
    F, Cg, KH, KW = weight.shape
    OH = (H + 2 * padding[0] - dilation[0] * (KH - 1) - 1) // stride[0] + 1
    OW = (W + 2 * padding[1] - dilation[1] * (KW - 1) - 1) // stride[1] + 1
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1]))).astype(float)
    rows = (np.arange(KH) * dilation[0])[:, None] + (np.arange(OH) * stride[0])[None, :]    # (KH, OH)
    cols = (np.arange(KW) * dilation[1])[:, None] + (np.arange(OW) * stride[1])[None, :]    # (KW, OW)
    # patches[n, c, p, q, i, j] = xp[n, c, rows[p, i], cols[q, j]]
    patches = xp[:, :, rows[:, None, :, None], cols[None, :, None, :]]
    Fg = F // groups
    out = np.empty((N, F, OH, OW))
    for g in range(groups):
        block = patches[:, g * Cg:(g + 1) * Cg]                      # (N, Cg, KH, KW, OH, OW)
        matrix = block.transpose(1, 2, 3, 0, 4, 5).reshape(Cg * KH * KW, N * OH * OW)
        result = weight[g * Fg:(g + 1) * Fg].reshape(Fg, -1) @ matrix
        out[:, g * Fg:(g + 1) * Fg] = result.reshape(Fg, N, OH, OW).transpose(1, 0, 2, 3)
    if bias is not None:
        out += np.reshape(bias, (1, -1, 1, 1))
    return out
