# mistake: flattens the pooled maps with reshape(N, -1, order="F"), column-major over the whole batch
# expect: column-major flatten
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def cnn_forward(x, params):
    w = params["conv_w"]
    KH, KW = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    conv = np.einsum("nchwij,fcij->nfhw", sliding_window_view(xp, (KH, KW), axis=(2, 3)), w)
    conv += params["conv_b"].reshape(1, -1, 1, 1)
    relu = np.maximum(conv, 0)
    pooled = sliding_window_view(relu, (2, 2), axis=(2, 3))[:, :, ::2, ::2].max(axis=(4, 5))
    flat = pooled.reshape(pooled.shape[0], -1, order="F")
    return flat @ params["fc_w"].T + params["fc_b"]
