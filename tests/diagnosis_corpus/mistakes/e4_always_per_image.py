# mistake: always returns (N, -1), whatever start_dim says
# expect: start_dim ignored
import numpy as np


def flatten(x, start_dim=1):
    return np.reshape(x, (len(x), -1))
