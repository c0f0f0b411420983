# Attack: block forever while being imported.
import time
time.sleep(3600)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    return x
