"""Divides the sums with //."""
import numpy as np


def global_avg_pool(x):
    H, W = x.shape[2:]
    return x.sum(axis=(2, 3)) // (H * W)
