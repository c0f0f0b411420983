# Attack: recurse without end (and raise the recursion limit so it goes deep).
import sys
sys.setrecursionlimit(100000)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    return conv2d(x, weight, bias, stride, padding)
