# Correct exercise 10 via flatten: each map as one row, then the mean of each row.
import numpy as np


def global_avg_pool(x):
    N, C = x.shape[:2]
    return np.mean(x.reshape(N, C, -1), axis=-1)
