# mistake: reverses the kernel's rows "because convolution flips", but forgets the columns
# expect: kernel flipped upside down
import numpy as np


def conv2d_single(image, kernel):
    kh, kw = kernel.shape
    h, w = image.shape
    k = kernel[::-1]  # flip for convolution
    out = np.zeros((h - kh + 1, w - kw + 1))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = np.sum(image[r:r + kh, c:c + kw] * k)
    return out
