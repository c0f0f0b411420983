# Correct exercise 10, keepdims then indexed away, as adaptive_avg_pool2d(x, 1) followed by a flatten would do.
import numpy as np


def global_avg_pool(x):
    pooled = np.mean(x, axis=(-2, -1), keepdims=True)  # (N, C, 1, 1)
    return pooled[:, :, 0, 0]
