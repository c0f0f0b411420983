"""Reference global average pooling, like torch.nn.functional.adaptive_avg_pool2d(x, 1).flatten(1)."""

from ._args import as_nchw, compute_dtype


def global_avg_pool(x):
    """The mean of each feature map: (N, C, H, W) -> (N, C).

    Integer input gives float64 (a mean has fractions); float32 stays float32, float64 stays float64.
    """
    x = as_nchw(x)
    if x.shape[2] * x.shape[3] == 0:
        raise ValueError(f"x must have at least one pixel per map, got shape {x.shape}")
    return x.mean(axis=(2, 3), dtype=compute_dtype(x))
