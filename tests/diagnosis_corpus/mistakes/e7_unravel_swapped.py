# mistake: unravels the argmax with (KW, KH) instead of (KH, KW): wrong winner in non-square windows
# expect: argmax unravelled with the wrong shape
import numpy as np


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    KH, KW = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    SH, SW = (KH, KW) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    PH, PW = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (PH, PH), (PW, PW)), constant_values=-np.inf)
    dxp = np.zeros_like(xp)
    OH, OW = dout.shape[2:]
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    k = np.argmax(xp[n, c, i * SH:i * SH + KH, j * SW:j * SW + KW])
                    r, s = np.unravel_index(k, (KW, KH))
                    dxp[n, c, i * SH + r, j * SW + s] += dout[n, c, i, j]
    return dxp[:, :, PH:PH + H, PW:PW + W]
