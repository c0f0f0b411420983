# mistake: adds .squeeze() "to tidy up": a batch of one loses its batch axis
# expect: size-1 axis dropped
import numpy as np


def flatten(x, start_dim=1):
    start = start_dim if start_dim >= 0 else x.ndim + start_dim
    return np.squeeze(x.reshape(x.shape[:start] + (-1,)))
