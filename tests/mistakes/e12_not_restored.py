# Exercise 12 mistake: works on the caller's x and leaves each element at x - eps
import numpy as np


def numerical_gradient(f, x, dout, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += eps
        plus = np.sum(f(x) * dout)
        x[i] -= 2 * eps
        minus = np.sum(f(x) * dout)
        grad[i] = (plus - minus) / (2 * eps)
    return grad
