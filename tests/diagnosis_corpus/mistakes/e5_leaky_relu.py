# mistake: uses a leaky ReLU (np.maximum(0.01 * z, z)) instead of the plain ReLU
# expect: leaky relu instead of relu
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def cnn_forward(x, params):
    KH, KW = params["conv_w"].shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    win = sliding_window_view(xp, (KH, KW), axis=(2, 3))
    z = np.einsum("nchwij,fcij->nfhw", win, params["conv_w"]) + params["conv_b"][None, :, None, None]
    a = np.maximum(0.01 * z, z)
    pooled = sliding_window_view(a, (2, 2), axis=(2, 3))[:, :, ::2, ::2].max(axis=(-2, -1))
    return pooled.reshape(x.shape[0], -1) @ params["fc_w"].T + params["fc_b"]
