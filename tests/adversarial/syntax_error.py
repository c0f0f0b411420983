# Attack: a file that is not valid Python.
def conv2d(x, weight, bias=None, stride=1, padding=0)
    return x
