# Attack: return an object whose __eq__ says True to everything and that pretends to have a shape.
class Liar:
    shape = property(lambda self: (1, 1, 3, 3))
    dtype = 'float64'
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __array__(self, *args, **kwargs): raise RuntimeError('no')


def conv2d(x, weight, bias=None, stride=1, padding=0):
    return Liar()
