# mistake: its conv helper flips the kernel (true convolution) before sliding it
# expect: kernel flipped
import numpy as np


def conv_layer(x, w, b):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    w = w[:, :, ::-1, ::-1]
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    OH, OW = H + 3 - KH, W + 3 - KW
    out = np.empty((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = np.tensordot(xp[:, :, i:i + KH, j:j + KW], w, axes=([1, 2, 3], [1, 2, 3]))
    return out + b[None, :, None, None]


def cnn_forward(x, params):
    h = np.maximum(conv_layer(x, params["conv_w"], params["conv_b"]), 0)
    N, F, H, W = h.shape
    h = h[:, :, :H - H % 2, :W - W % 2].reshape(N, F, H // 2, 2, W // 2, 2).max(axis=(3, 5))
    return h.reshape(N, -1) @ params["fc_w"].T + params["fc_b"]
