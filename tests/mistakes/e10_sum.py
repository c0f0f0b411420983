"""Sums each map and forgets to divide."""
import numpy as np


def global_avg_pool(x):
    return np.sum(x, axis=(2, 3)).astype(float)
