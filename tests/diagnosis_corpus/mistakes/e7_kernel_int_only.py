# mistake: uses kernel_size as one number (k = kernel_size): a (KH, KW) pair raises TypeError
# expect: int or pair
import numpy as np


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    k = kernel_size
    s = k if stride is None else stride
    sh, sw = (s, s) if isinstance(s, int) else s
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros_like(xp)
    OH, OW = dout.shape[2:]
    for i in range(OH):
        for j in range(OW):
            win = xp[:, :, i * sh:i * sh + k, j * sw:j * sw + k].reshape(N, C, k * k)
            arg = win.argmax(axis=2)
            for n in range(N):
                for c in range(C):
                    a, b = divmod(int(arg[n, c]), k)
                    dxp[n, c, i * sh + a, j * sw + b] += dout[n, c, i, j]
    return dxp[:, :, ph:ph + H, pw:pw + W]
