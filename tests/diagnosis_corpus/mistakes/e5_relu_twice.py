# mistake: applies the ReLU after the conv and again to the class scores at the end
# expect: relu after the linear layer
import numpy as np


def relu(z):
    return np.maximum(z, 0)


def cnn_forward(x, params):
    w, b = params["conv_w"], params["conv_b"]
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    OH, OW = H + 2 - KH + 1, W + 2 - KW + 1
    cols = np.stack([xp[:, :, i:i + OH, j:j + OW] for i in range(KH) for j in range(KW)], axis=2)
    conv = np.einsum("nckhw,fck->nfhw", cols, w.reshape(F, C, KH * KW)) + b[None, :, None, None]
    a = relu(conv)
    H2, W2 = OH // 2, OW // 2
    p = a[:, :, :2 * H2, :2 * W2].reshape(N, F, H2, 2, W2, 2).max(axis=5).max(axis=3)
    return relu(p.reshape(N, -1) @ params["fc_w"].T + params["fc_b"])
