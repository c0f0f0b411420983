"""Swapped H and W in the output allocation and loops."""
import numpy as np


def conv2d_single(image, kernel):
    H, W = image.shape
    KH, KW = kernel.shape
    out = np.zeros((W - KW + 1, H - KH + 1))
    for i in range(W - KW + 1):
        for j in range(H - KH + 1):
            out[i, j] = np.sum(image[j:j + KH, i:i + KW] * kernel)
    return out
