"""Keeps the pooled axes: (N, C, 1, 1)."""
import numpy as np


def global_avg_pool(x):
    return np.mean(x, axis=(2, 3), keepdims=True)
