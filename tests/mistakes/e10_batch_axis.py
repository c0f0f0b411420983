"""Averages over axes (0, 2, 3): the batch instead of keeping it."""
import numpy as np


def global_avg_pool(x):
    return np.mean(x, axis=(0, 2, 3))
