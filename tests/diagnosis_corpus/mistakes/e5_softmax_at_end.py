# mistake: turns the scores into probabilities with a softmax at the end
# expect: softmax added
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def cnn_forward(x, params):
    KH, KW = params["conv_w"].shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    patches = sliding_window_view(xp, (KH, KW), axis=(2, 3))
    z = np.einsum("nchwij,fcij->nfhw", patches, params["conv_w"]) + params["conv_b"][None, :, None, None]
    a = np.maximum(z, 0)
    pooled = sliding_window_view(a, (2, 2), axis=(2, 3))[:, :, ::2, ::2].max(axis=(-1, -2))
    scores = pooled.reshape(len(x), -1) @ params["fc_w"].T + params["fc_b"]
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
