# mistake: right output size, but the row loop stops one early, so the last output row stays zero
# expect: last row or column wrong
import numpy as np


def conv2d_single(image, kernel):
    H, W = image.shape
    KH, KW = kernel.shape
    OH, OW = H - KH + 1, W - KW + 1
    out = np.zeros((OH, OW))
    for i in range(OH - 1):
        for j in range(OW):
            out[i, j] = np.sum(image[i:i + KH, j:j + KW] * kernel)
    return out
