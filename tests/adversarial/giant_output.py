# Attack: return an array far larger than any answer (over the reply size limit) to swamp the parent.
import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0):
    return np.ones((1, 1, 3000, 3000))
