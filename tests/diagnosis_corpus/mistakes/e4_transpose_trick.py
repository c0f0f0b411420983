# mistake: StackOverflow trick x.T.reshape(-1, N).T: each image's values come out in column-major order
# expect: column-major order
import numpy as np


def flatten(x, start_dim=1):
    if start_dim == 0 or x.ndim == 1:
        return x.reshape(-1)
    if start_dim % x.ndim == 1:
        n = x.shape[0]
        return x.T.reshape(-1, n).T
    start = start_dim % x.ndim
    return x.reshape(x.shape[:start] + (-1,))
