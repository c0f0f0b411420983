# mistake: an in-place ReLU helper (z[z < 0] = 0) is also called on the input "to clean it", changing the caller's x
# expect: input changed
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def relu_(z):
    z[z < 0] = 0
    return z


def cnn_forward(x, params):
    x = relu_(x)
    KH, KW = params["conv_w"].shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    z = np.einsum("nchwij,fcij->nfhw", sliding_window_view(xp, (KH, KW), axis=(2, 3)), params["conv_w"])
    a = relu_(z + params["conv_b"][None, :, None, None])
    pooled = sliding_window_view(a, (2, 2), axis=(2, 3))[:, :, ::2, ::2].max(axis=(-2, -1))
    return pooled.reshape(x.shape[0], -1) @ params["fc_w"].T + params["fc_b"]
