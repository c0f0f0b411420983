# Attack: the entry point takes the wrong arguments.
def conv2d(image):
    return image
