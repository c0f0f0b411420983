# Correct exercise 12: Python lists and the built-in sum for the loss, itertools.product for the indices
import itertools

import numpy as np


def numerical_gradient(f, x, dout, eps=1e-5):
    weights = np.asarray(dout, dtype=float).ravel().tolist()

    def loss(point):
        values = np.asarray(f(point), dtype=float).ravel().tolist()
        return sum(v * w for v, w in zip(values, weights))

    grad = np.zeros(x.shape)
    for index in itertools.product(*[range(n) for n in x.shape]):
        plus, minus = x.copy(), x.copy()
        plus[index] += eps
        minus[index] -= eps
        grad[index] = (loss(plus) - loss(minus)) / (2 * eps)
    return grad
