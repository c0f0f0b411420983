# mistake: pools with the mean of each 2x2 block (average pooling) instead of the maximum
# expect: average instead of max
import numpy as np


def conv2d(x, w, b, pad):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    OH, OW = H + 2 * pad - KH + 1, W + 2 * pad - KW + 1
    out = np.zeros((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = np.tensordot(xp[:, :, i:i + KH, j:j + KW], w, axes=([1, 2, 3], [1, 2, 3]))
    return out + b[None, :, None, None]


def pool(x):
    N, C, H, W = x.shape
    x = x[:, :, :H // 2 * 2, :W // 2 * 2]
    return x.reshape(N, C, H // 2, 2, W // 2, 2).mean(axis=(3, 5))


def cnn_forward(x, params):
    h = conv2d(x, params["conv_w"], params["conv_b"], 1)
    h = np.maximum(h, 0)
    h = pool(h)
    h = h.reshape(h.shape[0], -1)
    return h @ params["fc_w"].T + params["fc_b"]
