# correct: np.reshape(x, (x.shape[0], -1)) for the usual case, the general shape for any other start_dim
import numpy as np


def flatten(x, start_dim=1):
    x = np.asarray(x)
    if start_dim < 0:
        start_dim += x.ndim
    if start_dim == 1 and x.ndim >= 2:
        return np.reshape(x, (x.shape[0], -1))
    if start_dim == 0:
        return np.reshape(x, (-1,))
    return np.reshape(x, x.shape[:start_dim] + (-1,))
