"""Flattens each image and averages the whole row: one number per image."""
import numpy as np


def global_avg_pool(x):
    return x.reshape(x.shape[0], -1).mean(axis=1)
