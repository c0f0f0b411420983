# Correct exercise 1, plain Python: four nested loops, one multiply-add at a time.
import numpy as np


def conv2d_single(image, kernel):
    H, W = image.shape
    KH, KW = kernel.shape
    OH, OW = H - KH + 1, W - KW + 1
    out = np.zeros((OH, OW))
    for i in range(OH):
        for j in range(OW):
            total = 0.0
            for p in range(KH):
                for q in range(KW):
                    total += image[i + p, j + q] * kernel[p, q]
            out[i, j] = total
    return out
