"""Builds a nested list and returns it."""


def conv2d_single(image, kernel):
    H, W = image.shape
    KH, KW = kernel.shape
    rows = []
    for i in range(H - KH + 1):
        rows.append([float((image[i:i + KH, j:j + KW] * kernel).sum()) for j in range(W - KW + 1)])
    return rows
