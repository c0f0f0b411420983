# Correct exercise 4, the idiomatic one-liner: keep the leading axes and let -1 stand for the rest.
def flatten(x, start_dim=1):
    start = start_dim % x.ndim
    return x.reshape(x.shape[:start] + (-1,))
