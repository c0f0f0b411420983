"""Forgot the + 1 in the output size."""
import numpy as np


def conv2d_single(image, kernel):
    H, W = image.shape
    KH, KW = kernel.shape
    out = np.zeros((H - KH, W - KW))
    for i in range(H - KH):
        for j in range(W - KW):
            out[i, j] = np.sum(image[i:i + KH, j:j + KW] * kernel)
    return out
