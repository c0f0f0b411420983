# Exercise 12 mistake: the step is written into the code, the eps argument never read
import numpy as np


def numerical_gradient(f, x, dout, eps=1e-5):
    h = 1e-5
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (np.sum(f(xp) * dout) - np.sum(f(xm) * dout)) / (2 * h)
    return grad
