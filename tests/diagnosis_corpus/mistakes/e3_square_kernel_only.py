# mistake: treats kernel_size as a single number everywhere (k = kernel_size): a (KH, KW) pair crashes
# expect: int or pair
import numpy as np


def maxpool2d(x, kernel_size, stride=None, padding=0):
    k = kernel_size
    s = k if stride is None else stride
    s_h, s_w = (s, s) if isinstance(s, int) else s
    p_h, p_w = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    out_h = (H + 2 * p_h - k) // s_h + 1
    out_w = (W + 2 * p_w - k) // s_w + 1
    padded = np.pad(x.astype(float), ((0, 0), (0, 0), (p_h, p_h), (p_w, p_w)), constant_values=-np.inf)
    out = np.empty((N, C, out_h, out_w))
    for r in range(out_h):
        for c in range(out_w):
            out[:, :, r, c] = padded[:, :, r * s_h:r * s_h + k, c * s_w:c * s_w + k].max(axis=(2, 3))
    return out
