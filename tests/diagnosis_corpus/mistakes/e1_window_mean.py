# mistake: takes the mean of each window's products instead of their sum
# expect: mean instead of sum
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_single(image, kernel):
    patches = sliding_window_view(image, kernel.shape)  # (OH, OW, KH, KW)
    return (patches * kernel).mean(axis=(2, 3))
