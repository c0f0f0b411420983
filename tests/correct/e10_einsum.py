# Correct exercise 10 with einsum: sum over rows and columns, then divide by their count.
import numpy as np


def global_avg_pool(x):
    H, W = x.shape[2:]
    return np.einsum("nchw->nc", x.astype(np.float64)) / (H * W)
