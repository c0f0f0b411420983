# mistake: einsum subscripts pair the window's rows with the kernel's columns (kernel transposed; non-square kernels crash)
# expect: kernel transposed
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_single(image, kernel):
    windows = sliding_window_view(image.astype(float), kernel.shape)
    return np.einsum("xyij,ji->xy", windows, kernel)
