# Correct exercise 11: a loop over the kernel's taps only, each tap a whole-array slice, groups by reshaping
import numpy as np


def conv2d_general(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    stride_h, stride_w = np.broadcast_to(stride, 2)
    pad_h, pad_w = np.broadcast_to(padding, 2)
    dil_h, dil_w = np.broadcast_to(dilation, 2)
    N, C, H, W = x.shape
    F, Cg, KH, KW = weight.shape
    G, Fg = groups, F // groups
    xp = np.pad(x * 1.0, ((0, 0), (0, 0), (pad_h, pad_h), (pad_w, pad_w)))
    OH = (H + 2 * pad_h - dil_h * (KH - 1) - 1) // stride_h + 1
    OW = (W + 2 * pad_w - dil_w * (KW - 1) - 1) // stride_w + 1
    grouped = xp.reshape(N, G, Cg, xp.shape[2], xp.shape[3])
    kernels = weight.reshape(G, Fg, Cg, KH, KW)
    out = np.zeros((N, G, Fg, OH, OW))
    for p in range(KH):
        for q in range(KW):
            top, left = p * dil_h, q * dil_w
            tap = grouped[:, :, :, top:top + stride_h * (OH - 1) + 1:stride_h, left:left + stride_w * (OW - 1) + 1:stride_w]
            out += np.einsum("ngchw,gfc->ngfhw", tap, kernels[:, :, :, p, q])
    out = out.reshape(N, F, OH, OW)
    if bias is not None:
        out += np.asarray(bias)[:, None, None]
    return out
