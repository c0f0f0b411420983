"""Textbook convolution: the kernel index runs backwards."""
import numpy as np


def conv2d_single(image, kernel):
    H, W = image.shape
    KH, KW = kernel.shape
    out = np.zeros((H - KH + 1, W - KW + 1))
    for i in range(H - KH + 1):
        for j in range(W - KW + 1):
            for p in range(KH):
                for q in range(KW):
                    out[i, j] += image[i + p, j + q] * kernel[KH - 1 - p, KW - 1 - q]
    return out
