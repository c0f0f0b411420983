# Exercise 12 mistake: the whole of x moved at once, no loop over elements
import numpy as np


def numerical_gradient(f, x, dout, eps=1e-5):
    slope = (np.sum(f(x + eps) * dout) - np.sum(f(x - eps) * dout)) / (2 * eps)
    return slope * np.ones_like(x)
