# mistake: imports scipy.signal inside the function to call correlate2d: scipy is not installed where it is graded
# expect: module not available
import numpy as np


def conv2d_single(image, kernel):
    from scipy.signal import correlate2d
    return correlate2d(np.asarray(image, dtype=float), kernel, mode="valid")
