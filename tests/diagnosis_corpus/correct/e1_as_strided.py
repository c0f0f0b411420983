# correct: as_strided windows of the image, then a tensordot with the kernel
import numpy as np
from numpy.lib.stride_tricks import as_strided


def conv2d_single(image, kernel):
    img = np.ascontiguousarray(image, dtype=np.float64)
    KH, KW = kernel.shape
    OH, OW = img.shape[0] - KH + 1, img.shape[1] - KW + 1
    s0, s1 = img.strides
    windows = as_strided(img, shape=(OH, OW, KH, KW), strides=(s0, s1, s0, s1), writeable=False)
    return np.tensordot(windows, kernel, axes=([2, 3], [0, 1]))
