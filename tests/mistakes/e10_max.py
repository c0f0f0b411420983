"""Global max pooling instead of the mean, with loops."""
import numpy as np


def global_avg_pool(x):
    N, C, H, W = x.shape
    out = np.zeros((N, C))
    for n in range(N):
        for c in range(C):
            out[n, c] = x[n, c].max()
    return out
