# mistake: finds each window's winner over all channels at once (argmax of x_pad[n, :, window]) and credits that channel only
# expect: max over channels too
import numpy as np


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros_like(xp)
    OH, OW = dout.shape[2:]
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                block = xp[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                c, a, b = np.unravel_index(np.argmax(block), block.shape)
                dxp[n, c, i * sh + a, j * sw + b] += dout[n, c, i, j]
    return dxp[:, :, ph:ph + H, pw:pw + W]
