# mistake: debugging leftover: runs the network on x[0] and repeats its scores for every image
# expect: only the first image is right
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def cnn_forward(x, params):
    image = x[0]
    KH, KW = params["conv_w"].shape[2:]
    padded = np.pad(image, ((0, 0), (1, 1), (1, 1)))
    maps = np.einsum("chwij,fcij->fhw", sliding_window_view(padded, (KH, KW), axis=(1, 2)), params["conv_w"])
    maps = np.maximum(maps + params["conv_b"][:, None, None], 0)
    pooled = sliding_window_view(maps, (2, 2), axis=(1, 2))[:, ::2, ::2].max(axis=(-2, -1))
    scores = params["fc_w"] @ pooled.ravel() + params["fc_b"]
    return np.tile(scores, (x.shape[0], 1))
