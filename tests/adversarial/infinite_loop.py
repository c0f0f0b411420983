# Attack: never return.
def conv2d(x, weight, bias=None, stride=1, padding=0):
    while True:
        pass
