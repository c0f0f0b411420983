# Correct exercise 12: never writes into any array it was given: a one-hot step array per element, x + step and x - step
import numpy as np


def numerical_gradient(f, x, dout, eps=1e-5):
    grad = np.zeros(x.size)
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = eps
        step = step.reshape(x.shape)
        grad[k] = np.sum((f(x + step) - f(x - step)) * dout) / (2 * eps)
    return grad.reshape(x.shape)
