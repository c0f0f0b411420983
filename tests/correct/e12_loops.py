# Correct exercise 12: CS231n-style np.nditer over x itself, each element moved in place and put back exactly
import numpy as np


def numerical_gradient(f, x, dout, eps=1e-5):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + eps
        pos = f(x).copy()
        x[ix] = old - eps
        neg = f(x).copy()
        x[ix] = old
        grad[ix] = np.sum((pos - neg) * dout) / (2 * eps)
        it.iternext()
    return grad
