# Attack: hard-exit the worker process in the middle of a call (no exception, no cleanup).
import os


def conv2d(x, weight, bias=None, stride=1, padding=0):
    os._exit(0)
