"""flat @ fc_w without the transpose; works by accident only when shapes allow."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def cnn_forward(x, params):
    w, b = params["conv_w"], params["conv_b"]
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))
    out = np.maximum(np.einsum("nchwij,fcij->nfhw", windows, w) + b[None, :, None, None], 0)
    N, F, H, W = out.shape
    out = out[:, :, :H // 2 * 2, :W // 2 * 2].reshape(N, F, H // 2, 2, W // 2, 2).max(axis=(3, 5))
    return out.reshape(N, -1) @ params["fc_w"] + params["fc_b"]
