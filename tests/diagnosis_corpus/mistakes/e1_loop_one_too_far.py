# mistake: loops i up to H - KH + 1 inclusive (range(H - KH + 2)), reading one row past the image (IndexError)
# expect: index out of range
import numpy as np


def conv2d_single(image, kernel):
    H, W = image.shape
    KH, KW = kernel.shape
    out = np.zeros((H - KH + 1, W - KW + 1))
    for i in range(H - KH + 2):
        for j in range(W - KW + 1):
            total = 0.0
            for p in range(KH):
                for q in range(KW):
                    total += image[i + p, j + q] * kernel[p, q]
            out[i, j] = total
    return out
