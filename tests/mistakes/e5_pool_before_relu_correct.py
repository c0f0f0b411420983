"""Correct though unusual: pools before the ReLU (max and ReLU commute)."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def cnn_forward(x, params):
    w, b = params["conv_w"], params["conv_b"]
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))
    out = np.einsum("nchwij,fcij->nfhw", windows, w) + b[None, :, None, None]
    N, F, H, W = out.shape
    out = out[:, :, :H // 2 * 2, :W // 2 * 2].reshape(N, F, H // 2, 2, W // 2, 2).max(axis=(3, 5))
    out = np.maximum(out, 0)
    return out.reshape(N, -1) @ params["fc_w"].T + params["fc_b"]
