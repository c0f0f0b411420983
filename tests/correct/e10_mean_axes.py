# Correct exercise 10, the idiom: a mean over the two spatial axes.
def global_avg_pool(x):
    return x.mean(axis=(2, 3))
