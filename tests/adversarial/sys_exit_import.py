# Attack: exit the interpreter while being imported.
import sys
sys.exit(0)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    return x
