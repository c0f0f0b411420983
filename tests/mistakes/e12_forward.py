# Exercise 12 mistake: one-sided differences, as in the definition of the derivative
import numpy as np


def numerical_gradient(f, x, dout, eps=1e-5):
    base = np.sum(f(x) * dout)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        moved = x.copy()
        moved[i] += eps
        grad[i] = (np.sum(f(moved) * dout) - base) / eps
    return grad
