# Exercise 12 mistake: the central difference divided by eps
import numpy as np


def numerical_gradient(f, x, dout, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        grad[i] = (np.sum(f(xp) * dout) - np.sum(f(xm) * dout)) / eps
    return grad
