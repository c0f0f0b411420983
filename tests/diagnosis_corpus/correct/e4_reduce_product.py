# correct: the merged size from functools.reduce over the trailing axes, and a copy, leaving x untouched
from functools import reduce
from operator import mul

import numpy as np


def flatten(x, start_dim=1):
    start = range(x.ndim)[start_dim]
    merged = reduce(mul, x.shape[start:], 1)
    return np.array(x).reshape(*x.shape[:start], merged)
