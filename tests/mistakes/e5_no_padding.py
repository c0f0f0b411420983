"""Forgets the conv's padding=1: the pooled maps are too small for fc_w."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def cnn_forward(x, params):
    w, b = params["conv_w"], params["conv_b"]
    windows = sliding_window_view(x, w.shape[2:], axis=(2, 3))
    out = np.einsum("nchwij,fcij->nfhw", windows, w) + b[None, :, None, None]
    out = np.maximum(out, 0)
    N, F, H, W = out.shape
    out = out[:, :, :H // 2 * 2, :W // 2 * 2].reshape(N, F, H // 2, 2, W // 2, 2).max(axis=(3, 5))
    return out.reshape(N, -1) @ params["fc_w"].T + params["fc_b"]
