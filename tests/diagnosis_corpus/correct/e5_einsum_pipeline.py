# correct: conv by a loop over kernel offsets, ReLU, 2x2 pool by reshaping the even crop, einsum for the linear layer
import numpy as np


def cnn_forward(x, params):
    w, b = params["conv_w"], params["conv_b"]
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    OH, OW = H + 2 - KH + 1, W + 2 - KW + 1
    conv = np.zeros((N, F, OH, OW), dtype=np.result_type(x, w, np.float32))
    for a in range(KH):
        for c in range(KW):
            conv += np.einsum("nchw,fc->nfhw", xp[:, :, a:a + OH, c:c + OW], w[:, :, a, c])
    conv += b[None, :, None, None]
    act = np.maximum(conv, 0)
    PH, PW = OH // 2, OW // 2
    pooled = act[:, :, :2 * PH, :2 * PW].reshape(N, F, PH, 2, PW, 2).max(axis=(3, 5))
    fc_w = params["fc_w"].reshape(-1, F, PH, PW)  # a reshaped view: params is left as it is
    return np.einsum("nfhw,kfhw->nk", pooled, fc_w) + params["fc_b"]
