# mistake: assumes square images and kernels (n = image.shape[0], k = kernel.shape[0]) for both output sizes
# expect: square image assumed
import numpy as np


def conv2d_single(image, kernel):
    n = image.shape[0]
    k = kernel.shape[0]
    size = n - k + 1
    output = np.zeros((size, size))
    for row in range(size):
        for col in range(size):
            output[row, col] = np.sum(image[row:row + k, col:col + k] * kernel)
    return output
