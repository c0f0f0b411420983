# mistake: a typo in a variable name (kernal) raises NameError on every call
# expect: misspelled name
import numpy as np


def conv2d_single(image, kernel):
    kh, kw = kernel.shape
    oh = image.shape[0] - kh + 1
    ow = image.shape[1] - kw + 1
    out = np.zeros((oh, ow))
    for y in range(oh):
        for x in range(ow):
            out[y, x] = np.sum(image[y:y + kh, x:x + kw] * kernal)
    return out
