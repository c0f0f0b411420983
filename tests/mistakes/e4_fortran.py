"""order='F' reshape."""
import math


def flatten(x, start_dim=1):
    start = start_dim % x.ndim
    return x.reshape(x.shape[:start] + (math.prod(x.shape[start:]),), order="F")
