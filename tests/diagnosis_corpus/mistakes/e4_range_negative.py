# mistake: multiplies the sizes over range(start_dim, x.ndim): a negative start_dim takes in extra axes and the reshape fails
# expect: negative start_dim
import numpy as np


def flatten(x, start_dim=1):
    merged = 1
    for axis in range(start_dim, x.ndim):
        merged *= x.shape[axis]
    return x.reshape(*x.shape[:start_dim], merged)
