# Exercise 12 mistake: x_plus = x and x_minus = x are the caller's array itself, not copies
import numpy as np


def numerical_gradient(f, x, dout, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x_plus = x
        x_plus[i] += eps
        x_minus = x
        x_minus[i] -= eps
        grad[i] = (np.sum(f(x_plus) * dout) - np.sum(f(x_minus) * dout)) / (2 * eps)
    return grad
