# Correct exercise 12: a flat view of a copy, one position at a time, reshaped back at the end
import numpy as np


def numerical_gradient(f, x, dout, eps=1e-5):
    flat = x.astype(np.float64).ravel()
    grad = np.empty(flat.size)
    for k in range(flat.size):
        saved = flat[k]
        flat[k] = saved + eps
        plus = float((f(flat.reshape(x.shape)) * dout).sum())
        flat[k] = saved - eps
        minus = float((f(flat.reshape(x.shape)) * dout).sum())
        flat[k] = saved
        grad[k] = (plus - minus) / (2.0 * eps)
    return grad.reshape(x.shape)
