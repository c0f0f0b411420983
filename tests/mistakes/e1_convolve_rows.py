"""np.convolve row by row: flips the kernel and only handles one kernel row."""
import numpy as np


def conv2d_single(image, kernel):
    KH, KW = kernel.shape
    H, W = image.shape
    out = np.zeros((H - KH + 1, W - KW + 1))
    for i in range(H - KH + 1):
        for p in range(KH):
            out[i] += np.convolve(image[i + p], kernel[p], mode="valid")
    return out
