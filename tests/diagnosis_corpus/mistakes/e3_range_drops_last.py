# mistake: window starts from range(0, H + 2p - KH, stride): the last window that fits is never used
# expect: output size off by one
import numpy as np


def maxpool2d(x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else ((stride,) * 2 if isinstance(stride, int) else stride)
    ph, pw = (padding,) * 2 if isinstance(padding, int) else padding
    xp = np.pad(x.astype(float), ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    Hp, Wp = xp.shape[2:]
    rows = []
    for top in range(0, Hp - kh, sh):
        cols = []
        for left in range(0, Wp - kw, sw):
            cols.append(xp[:, :, top:top + kh, left:left + kw].max(axis=(2, 3)))
        rows.append(np.stack(cols, axis=-1))
    return np.stack(rows, axis=-2)
