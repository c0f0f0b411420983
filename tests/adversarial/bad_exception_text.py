# Attack: raise an exception whose text cannot be read and whose name is enormous.
class Nasty(Exception):
    def __str__(self):
        raise RuntimeError('gotcha')


Huge = type('X' * 100000, (Exception,), {})


def conv2d(x, weight, bias=None, stride=1, padding=0):
    if bias is None:
        raise Nasty()
    raise Huge('huge')
