# mistake: transposes each map to (width, height) "so x comes first" before reshaping
# expect: axes in the wrong order
import numpy as np


def flatten(x, start_dim=1):
    start = start_dim % x.ndim
    if x.ndim >= 3 and start < x.ndim - 1:
        x = np.swapaxes(x, -1, -2)
    return x.reshape(x.shape[:start] + (-1,))
