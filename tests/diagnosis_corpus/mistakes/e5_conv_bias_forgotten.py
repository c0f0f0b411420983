# mistake: the conv layer never adds conv_b (only the linear layer's bias is used)
# expect: bias missing
import numpy as np


def conv(x, w):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    OH, OW = H + 3 - KH, W + 3 - KW
    out = np.zeros((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", xp[:, :, i:i + KH, j:j + KW], w)
    return out


def maxpool(x):
    N, C, H, W = x.shape
    out = np.zeros((N, C, H // 2, W // 2))
    for i in range(H // 2):
        for j in range(W // 2):
            out[:, :, i, j] = x[:, :, 2 * i:2 * i + 2, 2 * j:2 * j + 2].max(axis=(2, 3))
    return out


def cnn_forward(x, params):
    out = conv(x, params["conv_w"])
    out = np.maximum(out, 0)
    out = maxpool(out)
    out = out.reshape(out.shape[0], -1)
    return out @ params["fc_w"].T + params["fc_b"]
