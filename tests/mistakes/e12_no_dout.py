# Exercise 12 mistake: the loss is the plain sum of f(x); dout is never used
import numpy as np


def numerical_gradient(f, x, dout, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        grad[i] = (f(xp).sum() - f(xm).sum()) / (2 * eps)
    return grad
