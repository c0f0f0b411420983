# mistake: reshapes params["fc_w"] in place (fc_w.shape = (K, F, H', W')) to use einsum: right scores, input changed
# expect: input changed
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def cnn_forward(x, params):
    w, b = params["conv_w"], params["conv_b"]
    F, C, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    conv = np.einsum("nchwij,fcij->nfhw", sliding_window_view(xp, (KH, KW), axis=(2, 3)), w) + b[:, None, None]
    act = np.maximum(conv, 0)
    N, _, H, W = act.shape
    Hp, Wp = H // 2, W // 2
    pooled = act[:, :, :2 * Hp, :2 * Wp].reshape(N, F, Hp, 2, Wp, 2).max(axis=(3, 5))
    fc_w = params["fc_w"]
    fc_w.shape = (fc_w.shape[0], F, Hp, Wp)
    return np.einsum("nfhw,kfhw->nk", pooled, fc_w) + params["fc_b"]
