# mistake: flattens by assigning x.shape, which reshapes the caller's array in place: right values, input changed
# expect: input changed
import math


def flatten(x, start_dim=1):
    start = start_dim % x.ndim
    x.shape = x.shape[:start] + (math.prod(x.shape[start:]),)
    return x
