# Correct exercise 12: np.ndindex over a private copy, the scalar loss written as a helper
import numpy as np


def numerical_gradient(f, x, dout, eps=1e-5):
    def loss(values):
        return np.sum(f(values) * dout)

    work = np.array(x, dtype=float)
    grad = np.zeros(work.shape)
    for index in np.ndindex(*work.shape):
        keep = work[index]
        work[index] = keep + eps
        up = loss(work)
        work[index] = keep - eps
        down = loss(work)
        work[index] = keep
        grad[index] = (up - down) / (2 * eps)
    return grad
