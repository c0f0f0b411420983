# correct: cross-correlation through the FFT (multiply the spectra with the kernel flipped, keep the valid part)
import numpy as np


def conv2d_single(image, kernel):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    H, W = image.shape
    KH, KW = kernel.shape
    shape = (H + KH - 1, W + KW - 1)
    spectrum = np.fft.rfft2(image, shape) * np.fft.rfft2(kernel[::-1, ::-1], shape)
    full = np.fft.irfft2(spectrum, shape)
    return full[KH - 1:H, KW - 1:W]
