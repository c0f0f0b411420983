# Correct exercise 7, plain Python: six nested loops find each window's first maximum by hand.
import numpy as np


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    KH, KW = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    if stride is None:
        stride = (KH, KW)
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    _, _, OH, OW = dout.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    best, winner = None, None
                    for p in range(KH):
                        for q in range(KW):
                            row, col = i * sh + p - ph, j * sw + q - pw
                            if 0 <= row < H and 0 <= col < W and (best is None or x[n, c, row, col] > best):
                                best, winner = x[n, c, row, col], (row, col)
                    dx[n, c, winner[0], winner[1]] += dout[n, c, i, j]
    return dx
