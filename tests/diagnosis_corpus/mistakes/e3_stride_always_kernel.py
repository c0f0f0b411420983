# mistake: always steps by the kernel size, ignoring an explicit stride argument
# expect: stride ignored
import numpy as np


def maxpool2d(x, kernel_size, stride=None, padding=0):
    KH, KW = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    SH, SW = KH, KW
    PH, PW = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    OH = (H + 2 * PH - KH) // SH + 1
    OW = (W + 2 * PW - KW) // SW + 1
    xp = np.pad(x.astype(float), ((0, 0), (0, 0), (PH, PH), (PW, PW)), constant_values=-np.inf)
    out = np.empty((N, C, OH, OW))
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = xp[:, :, i * SH:i * SH + KH, j * SW:j * SW + KW].max(axis=(2, 3))
    return out
