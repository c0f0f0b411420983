"""Prints the result instead of returning it."""
import numpy as np


def conv2d_single(image, kernel):
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    print(np.einsum("hwij,ij->hw", windows, kernel))
