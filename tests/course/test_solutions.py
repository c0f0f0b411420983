"""Tests of the reference solutions against naive oracles, torch, and numerical gradients."""

import zlib

import numpy as np
import pytest

import solutions
from solutions import misconceptions as mis

try:
    from tests import oracles
except ImportError:  # pytest put tests/ itself on sys.path
    import oracles


SEED = 20240611


def rng_for(*key):
    """A generator seeded by SEED and a key of ints and strings (stable across runs)."""
    ints = [zlib.crc32(k.encode()) if isinstance(k, str) else int(k) for k in key]
    return np.random.default_rng([SEED, *ints])


def random_conv_config(rng):
    """A small random conv2d problem that is valid (kernel fits the padded input)."""
    N, C, F = rng.integers(1, 3), rng.integers(1, 4), rng.integers(1, 4)
    KH, KW = rng.integers(1, 4, size=2)
    ph, pw = rng.integers(0, 3, size=2)
    H = rng.integers(max(1, KH - 2 * ph), 9)
    W = rng.integers(max(1, KW - 2 * pw), 9)
    sh, sw = rng.integers(1, 4, size=2)
    x = rng.standard_normal((N, C, H, W))
    w = rng.standard_normal((F, C, KH, KW))
    b = rng.standard_normal(F) if rng.random() < 0.7 else None
    stride = int(sh) if sh == sw and rng.random() < 0.5 else (int(sh), int(sw))
    padding = int(ph) if ph == pw and rng.random() < 0.5 else [int(ph), int(pw)]
    return x, w, b, stride, padding


def random_pool_config(rng):
    """A small random maxpool2d problem (padding at most half the kernel)."""
    N, C = rng.integers(1, 3), rng.integers(1, 4)
    KH, KW = rng.integers(1, 5, size=2)
    ph, pw = rng.integers(0, KH // 2 + 1), rng.integers(0, KW // 2 + 1)
    H = rng.integers(max(1, KH - 2 * ph), 10)
    W = rng.integers(max(1, KW - 2 * pw), 10)
    x = rng.standard_normal((N, C, H, W))
    kernel = int(KH) if KH == KW else (int(KH), int(KW))
    stride = None if rng.random() < 0.3 else (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    padding = (int(ph), int(pw))
    return x, kernel, stride, padding


def expected_dtype(*arrays):
    kinds = [np.asarray(a).dtype for a in arrays if a is not None]
    if all(k == np.float32 for k in kinds):
        return np.float32
    return np.float64


# --- conv2d_single -----------------------------------------------------------------------

@pytest.mark.parametrize(
    "image_shape, kernel_shape",
    [((5, 5), (1, 1)), ((4, 6), (4, 6)), ((3, 7), (2, 3)), ((1, 5), (1, 2)), ((6, 1), (3, 1))],
)
def test_conv2d_single_edge_shapes(image_shape, kernel_shape):
    rng = rng_for(1, *image_shape, *kernel_shape)
    image = rng.standard_normal(image_shape)
    kernel = rng.standard_normal(kernel_shape)
    out = solutions.conv2d_single(image, kernel)
    np.testing.assert_allclose(out, oracles.conv2d_single(image, kernel), rtol=1e-12, atol=1e-12)


def test_conv2d_single_random():
    rng = rng_for(2)
    for _ in range(40):
        H, W = rng.integers(1, 10, size=2)
        KH, KW = rng.integers(1, H + 1), rng.integers(1, W + 1)
        image = rng.standard_normal((H, W))
        kernel = rng.standard_normal((KH, KW))
        out = solutions.conv2d_single(image, kernel)
        assert out.shape == (H - KH + 1, W - KW + 1)
        np.testing.assert_allclose(out, oracles.conv2d_single(image, kernel), rtol=1e-12, atol=1e-12)


def test_conv2d_single_dtypes():
    rng = rng_for(3)
    image = rng.integers(-5, 5, size=(6, 5))
    kernel = rng.integers(-3, 3, size=(3, 2))
    out = solutions.conv2d_single(image, kernel)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, oracles.conv2d_single(image, kernel))
    out32 = solutions.conv2d_single(image.astype(np.float32), kernel.astype(np.float32))
    assert out32.dtype == np.float32


def test_conv2d_single_errors():
    with pytest.raises(ValueError, match="bigger"):
        solutions.conv2d_single(np.zeros((3, 3)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match="2-D"):
        solutions.conv2d_single(np.zeros((1, 3, 3)), np.zeros((2, 2)))


# --- conv2d ------------------------------------------------------------------------------

CONV_EDGE_CASES = [
    # x shape, weight shape, stride, padding
    ((1, 1, 5, 5), (1, 1, 1, 1), 1, 0),  # 1x1 kernel
    ((2, 3, 4, 4), (2, 3, 4, 4), 1, 0),  # kernel covers the whole image -> 1x1 output
    ((1, 2, 3, 3), (3, 2, 5, 5), 1, 1),  # kernel only fits thanks to padding
    ((1, 2, 7, 6), (2, 2, 2, 3), 3, 0),  # stride bigger than the kernel
    ((2, 1, 6, 9), (4, 1, 3, 2), (2, 1), (1, 0)),  # asymmetric stride/padding as tuples
    ((1, 3, 5, 8), (2, 3, 3, 3), [1, 3], [2, 1]),  # ... and as lists
    ((1, 1, 2, 2), (1, 1, 1, 1), 1, 2),  # padding bigger than the image
]


@pytest.mark.parametrize("x_shape, w_shape, stride, padding", CONV_EDGE_CASES)
@pytest.mark.parametrize("with_bias", [False, True])
def test_conv2d_edge_cases(x_shape, w_shape, stride, padding, with_bias):
    rng = rng_for(4, *x_shape, *w_shape)
    x = rng.standard_normal(x_shape)
    w = rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[0]) if with_bias else None
    out = solutions.conv2d(x, w, b, stride, padding)
    np.testing.assert_allclose(out, oracles.conv2d(x, w, b, stride, padding), rtol=1e-12, atol=1e-12)


def test_conv2d_random_configs():
    rng = rng_for(5)
    for _ in range(60):
        x, w, b, stride, padding = random_conv_config(rng)
        out = solutions.conv2d(x, w, b, stride=stride, padding=padding)
        expected = oracles.conv2d(x, w, b, stride, padding)
        assert out.shape == expected.shape
        np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


def test_conv2d_fast_matches_conv2d():
    rng = rng_for(6)
    for _ in range(10):
        x, w, b, stride, padding = random_conv_config(rng)
        np.testing.assert_allclose(
            solutions.conv2d_fast(x, w, b, stride, padding), oracles.conv2d(x, w, b, stride, padding),
            rtol=1e-12, atol=1e-12,
        )


@pytest.mark.parametrize("x_dtype, w_dtype", [
    (np.int64, np.int64), (np.int32, np.float32), (np.float32, np.float32),
    (np.float64, np.float64), (np.float32, np.float64), (np.uint8, np.int8),
])
def test_conv2d_dtypes(x_dtype, w_dtype):
    rng = rng_for(7)
    x = rng.integers(0, 6, size=(2, 2, 5, 5)).astype(x_dtype)
    w = rng.integers(-2, 3, size=(3, 2, 3, 3)).astype(w_dtype)
    out = solutions.conv2d(x, w, padding=1)
    assert out.dtype == expected_dtype(x, w)
    # small integers: exact in float32 as well
    np.testing.assert_array_equal(out, oracles.conv2d(x.astype(float), w.astype(float), None, 1, 1))


def test_conv2d_float32_bias_keeps_float32():
    rng = rng_for(8)
    x = rng.standard_normal((1, 2, 4, 4)).astype(np.float32)
    w = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    out = solutions.conv2d(x, w, b)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, oracles.conv2d(x, w, b), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("x_shape, w_shape, kwargs, message", [
    ((1, 3, 5, 5), (2, 2, 3, 3), {}, "channel"),
    ((1, 1, 3, 3), (1, 1, 4, 4), {}, "bigger"),
    ((1, 1, 3, 3), (1, 1, 6, 2), {"padding": 1}, "bigger"),
    ((1, 1, 5, 5), (2, 1, 3, 3), {"bias": np.zeros(3)}, "bias"),
    ((1, 5, 5), (2, 1, 3, 3), {}, "4-D"),
    ((1, 1, 5, 5), (2, 1, 3, 3), {"stride": 0}, "stride"),
    ((1, 1, 5, 5), (2, 1, 3, 3), {"stride": (1, 2, 3)}, "stride"),
    ((1, 1, 5, 5), (2, 1, 3, 3), {"padding": -1}, "padding"),
])
def test_conv2d_errors(x_shape, w_shape, kwargs, message):
    with pytest.raises(ValueError, match=message):
        solutions.conv2d(np.zeros(x_shape), np.zeros(w_shape), **kwargs)


# --- maxpool2d ---------------------------------------------------------------------------

POOL_EDGE_CASES = [
    # x shape, kernel_size, stride, padding
    ((1, 1, 4, 4), 2, None, 0),  # the classic 2x2 pool
    ((2, 3, 5, 7), 2, None, 0),  # odd sizes: floor mode drops the last row/column
    ((1, 2, 5, 5), 3, 1, 1),  # overlapping windows, padding = half the kernel
    ((1, 1, 6, 5), (3, 2), (2, 1), (1, 1)),  # everything asymmetric
    ((1, 1, 3, 3), 3, None, 0),  # one window covers the image
    ((1, 1, 2, 2), 3, 1, 1),  # kernel only fits thanks to padding
    ((1, 1, 7, 7), [2, 3], [3, 2], [1, 0]),  # lists, stride bigger than the kernel
]


@pytest.mark.parametrize("x_shape, kernel, stride, padding", POOL_EDGE_CASES)
def test_maxpool2d_edge_cases(x_shape, kernel, stride, padding):
    x = rng_for(9, *x_shape).standard_normal(x_shape)
    out = solutions.maxpool2d(x, kernel, stride, padding)
    np.testing.assert_array_equal(out, oracles.maxpool2d(x, kernel, stride, padding))


def test_maxpool2d_random_configs():
    rng = rng_for(10)
    for _ in range(60):
        x, kernel, stride, padding = random_pool_config(rng)
        out = solutions.maxpool2d(x, kernel, stride=stride, padding=padding)
        np.testing.assert_array_equal(out, oracles.maxpool2d(x, kernel, stride, padding))


def test_maxpool2d_all_negative_with_padding_ignores_padding():
    x = -1.0 - rng_for(11).random((1, 1, 4, 4))
    out = solutions.maxpool2d(x, 3, 2, 1)
    assert (out < -1).all()
    np.testing.assert_array_equal(out, oracles.maxpool2d(x, 3, 2, 1))


@pytest.mark.parametrize("dtype, expected", [
    (np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64), (np.uint8, np.float64),
])
def test_maxpool2d_dtypes(dtype, expected):
    x = rng_for(12).integers(0, 100, size=(2, 2, 6, 6)).astype(dtype)
    out = solutions.maxpool2d(x, 2, padding=1)
    assert out.dtype == expected
    np.testing.assert_array_equal(out, oracles.maxpool2d(x.astype(float), 2, None, 1))


@pytest.mark.parametrize("x_shape, kwargs, message", [
    ((1, 1, 6, 6), {"kernel_size": 2, "padding": 2}, "half"),
    ((1, 1, 6, 6), {"kernel_size": (3, 2), "padding": (1, 2)}, "half"),
    ((1, 1, 2, 6), {"kernel_size": 3}, "bigger"),
    ((1, 6, 6), {"kernel_size": 2}, "4-D"),
    ((1, 1, 6, 6), {"kernel_size": 0}, "kernel_size"),
    ((1, 1, 6, 6), {"kernel_size": 2, "stride": 0}, "stride"),
])
def test_maxpool2d_errors(x_shape, kwargs, message):
    with pytest.raises(ValueError, match=message):
        solutions.maxpool2d(np.zeros(x_shape), **kwargs)


# --- flatten -----------------------------------------------------------------------------

@pytest.mark.parametrize("shape, start_dim", [
    ((2, 3, 4, 5), 1), ((2, 3, 4, 5), 0), ((2, 3, 4, 5), 3), ((2, 3, 4, 5), -1),
    ((2, 3, 4, 5), -2), ((2, 3, 4, 5), -4), ((7,), 0), ((3, 4), 1), ((0, 3, 2), 1),
    ((2, 0, 3), 1), ((1, 1, 1), 1),
])
def test_flatten_against_oracle(shape, start_dim):
    x = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape) * 3 - 7
    out = solutions.flatten(x, start_dim)
    expected = oracles.flatten(x, start_dim)
    assert out.shape == expected.shape
    assert out.dtype == x.dtype
    np.testing.assert_array_equal(out, expected)


def test_flatten_random_float_arrays():
    rng = rng_for(13)
    for _ in range(20):
        ndim = int(rng.integers(1, 6))
        shape = tuple(int(s) for s in rng.integers(1, 4, size=ndim))
        start = int(rng.integers(-ndim, ndim))
        x = rng.standard_normal(shape)
        np.testing.assert_array_equal(solutions.flatten(x, start), oracles.flatten(x, start))


def test_flatten_scalar_and_errors():
    assert solutions.flatten(np.float64(3.5), 0).shape == (1,)
    with pytest.raises(ValueError, match="start_dim"):
        solutions.flatten(np.zeros((2, 3)), 2)
    with pytest.raises(ValueError, match="start_dim"):
        solutions.flatten(np.zeros((2, 3)), -3)


# --- cnn_forward -------------------------------------------------------------------------

def make_params(rng, C=2, F=3, H=6, W=6, K=4, dtype=np.float64):
    feats = F * (H // 2) * (W // 2)
    return {
        "conv_w": rng.standard_normal((F, C, 3, 3)).astype(dtype),
        "conv_b": rng.standard_normal(F).astype(dtype),
        "fc_w": rng.standard_normal((K, feats)).astype(dtype),
        "fc_b": rng.standard_normal(K).astype(dtype),
    }


@pytest.mark.parametrize("N, C, F, H, W, K", [(1, 1, 1, 2, 2, 1), (2, 2, 3, 6, 6, 4), (3, 3, 2, 7, 5, 5)])
def test_cnn_forward_against_oracle(N, C, F, H, W, K):
    rng = rng_for(14, N, C, F, H, W, K)
    params = make_params(rng, C, F, H, W, K)
    x = rng.standard_normal((N, C, H, W))
    out = solutions.cnn_forward(x, params)
    assert out.shape == (N, K)
    np.testing.assert_allclose(out, oracles.cnn_forward(x, params), rtol=1e-11, atol=1e-11)


def test_cnn_forward_stages_shapes_and_consistency():
    rng = rng_for(15)
    N, C, F, H, W, K = 2, 3, 4, 7, 6, 5
    params = make_params(rng, C, F, H, W, K)
    x = rng.standard_normal((N, C, H, W))
    stages = solutions.cnn_forward_stages(x, params)
    assert [name for name, _ in stages] == ["input", "conv", "relu", "pool", "flatten", "linear"]
    shapes = [a.shape for _, a in stages]
    assert shapes == [(N, C, H, W), (N, F, H, W), (N, F, H, W), (N, F, 3, 3), (N, F * 9), (N, K)]
    named = dict(stages)
    np.testing.assert_array_equal(named["input"], x)
    np.testing.assert_allclose(named["conv"], oracles.conv2d(x, params["conv_w"], params["conv_b"], 1, 1),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(named["relu"], np.where(named["conv"] > 0, named["conv"], 0))
    np.testing.assert_array_equal(named["pool"], oracles.maxpool2d(named["relu"], 2, 2))
    np.testing.assert_array_equal(named["flatten"], oracles.flatten(named["pool"], 1))
    np.testing.assert_array_equal(named["linear"], solutions.cnn_forward(x, params))


def test_cnn_forward_float32_and_bad_fc_shape():
    rng = rng_for(16)
    params = make_params(rng, dtype=np.float32)
    x = rng.standard_normal((2, 2, 6, 6)).astype(np.float32)
    assert solutions.cnn_forward(x, params).dtype == np.float32
    params["fc_w"] = params["fc_w"][:, :-1]
    with pytest.raises(ValueError, match="features"):
        solutions.cnn_forward(x, params)


def test_relu_and_linear_helpers():
    rng = rng_for(17)
    a = rng.standard_normal((3, 4))
    np.testing.assert_array_equal(solutions.relu(a), np.where(a > 0, a, 0.0))
    w, b = rng.standard_normal((2, 4)), rng.standard_normal(2)
    expected = np.array([[sum(a[n, d] * w[k, d] for d in range(4)) + b[k] for k in range(2)]
                         for n in range(3)])
    np.testing.assert_allclose(solutions.linear(a, w, b), expected, rtol=1e-12)


# --- backward passes ---------------------------------------------------------------------

def test_conv2d_backward_random_configs_against_oracle():
    rng = rng_for(18)
    for _ in range(40):
        x, w, _, stride, padding = random_conv_config(rng)
        out_shape = oracles.conv2d(x, w, None, stride, padding).shape
        dout = rng.standard_normal(out_shape)
        got = solutions.conv2d_backward(dout, x, w, stride=stride, padding=padding)
        expected = oracles.conv2d_backward(dout, x, w, stride, padding)
        for g, e in zip(got, expected):
            assert g.shape == e.shape
            np.testing.assert_allclose(g, e, rtol=1e-11, atol=1e-11)


def numerical_grad(f, a, eps=1e-6):
    """Central differences of the scalar function f with respect to every entry of a."""
    grad = np.zeros_like(a)
    for idx in np.ndindex(*a.shape):
        old = a[idx]
        a[idx] = old + eps
        plus = f()
        a[idx] = old - eps
        minus = f()
        a[idx] = old
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


@pytest.mark.parametrize("stride, padding", [(1, 0), (1, 1), (2, 1), ((2, 1), (0, 2))])
def test_conv2d_backward_numerical_gradient(stride, padding):
    rng = rng_for(19, str(stride), str(padding))
    x = rng.standard_normal((2, 2, 5, 6))
    w = rng.standard_normal((3, 2, 3, 2))
    b = rng.standard_normal(3)
    dout = rng.standard_normal(solutions.conv2d(x, w, b, stride, padding).shape)

    def loss():
        return float(np.sum(dout * solutions.conv2d(x, w, b, stride, padding)))

    dx, dw, db = solutions.conv2d_backward(dout, x, w, stride, padding)
    np.testing.assert_allclose(dx, numerical_grad(loss, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dw, numerical_grad(loss, w), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(db, numerical_grad(loss, b), rtol=1e-6, atol=1e-7)


def test_conv2d_backward_errors_and_dtypes():
    x, w = np.zeros((1, 2, 5, 5)), np.zeros((3, 2, 3, 3))
    with pytest.raises(ValueError, match="dout"):
        solutions.conv2d_backward(np.zeros((1, 3, 4, 4)), x, w)
    grads = solutions.conv2d_backward(
        np.ones((1, 3, 3, 3), np.float32), x.astype(np.float32), w.astype(np.float32))
    assert [g.dtype for g in grads] == [np.float32] * 3


def test_maxpool2d_backward_random_configs_against_oracle():
    rng = rng_for(20)
    for _ in range(60):
        x, kernel, stride, padding = random_pool_config(rng)
        if rng.random() < 0.5:  # many ties: exercises the first-maximum rule
            x = np.round(x)
        dout = rng.standard_normal(oracles.maxpool2d(x, kernel, stride, padding).shape)
        got = solutions.maxpool2d_backward(dout, x, kernel, stride=stride, padding=padding)
        np.testing.assert_allclose(got, oracles.maxpool2d_backward(dout, x, kernel, stride, padding),
                                   rtol=1e-12, atol=1e-12)


def test_maxpool2d_backward_tie_rule_first_in_row_major_order():
    x = np.array([[[[1.0, 5.0, 5.0, 0.0],
                    [5.0, 5.0, 0.0, 0.0]]]])
    dx = solutions.maxpool2d_backward(np.array([[[[2.0, 3.0]]]]), x, 2)
    # window 1: the 5 at (0, 1) comes first; window 2: the 5 at (0, 2) is its only max
    np.testing.assert_array_equal(dx, [[[[0, 2, 3, 0], [0, 0, 0, 0]]]])


def test_maxpool2d_backward_overlapping_windows_accumulate():
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0  # the centre is the max of all four 2x2 windows
    dout = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    dx = solutions.maxpool2d_backward(dout, x, 2, stride=1)
    assert dx[0, 0, 1, 1] == 10.0
    assert dx.sum() == 10.0


def test_maxpool2d_backward_all_minus_inf_window_sends_gradient_to_real_cell():
    x = np.full((1, 1, 2, 2), -np.inf)
    dout = np.ones((1, 1, 3, 3))  # every window holds padding AND real -inf cells
    dx = solutions.maxpool2d_backward(dout, x, 2, stride=1, padding=1)
    np.testing.assert_array_equal(dx, oracles.maxpool2d_backward(dout, x, 2, 1, 1))
    assert dx.sum() == 9.0


@pytest.mark.parametrize("kernel, stride, padding", [(2, None, 0), (3, 1, 1), ((3, 2), (2, 1), (1, 0))])
def test_maxpool2d_backward_numerical_gradient(kernel, stride, padding):
    rng = rng_for(21, str(kernel), str(stride))
    # distinct, well separated values so that +-eps never changes a window's argmax
    x = rng.permutation(2 * 2 * 6 * 5).reshape(2, 2, 6, 5).astype(float) * 0.1
    dout = rng.standard_normal(solutions.maxpool2d(x, kernel, stride, padding).shape)

    def loss():
        return float(np.sum(dout * solutions.maxpool2d(x, kernel, stride, padding)))

    dx = solutions.maxpool2d_backward(dout, x, kernel, stride, padding)
    np.testing.assert_allclose(dx, numerical_grad(loss, x), rtol=1e-6, atol=1e-8)


# --- torch cross-checks ------------------------------------------------------------------

def test_conv2d_and_backward_match_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = rng_for(22)
    for _ in range(25):
        x, w, b, stride, padding = random_conv_config(rng)
        xt = torch.tensor(x, requires_grad=True)
        wt = torch.tensor(w, requires_grad=True)
        bt = torch.tensor(b if b is not None else np.zeros(w.shape[0]), requires_grad=True)
        out_t = F.conv2d(xt, wt, bt if b is not None else None, tuple(np.broadcast_to(stride, 2)),
                         tuple(np.broadcast_to(padding, 2)))
        out = solutions.conv2d(x, w, b, stride, padding)
        np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10, atol=1e-10)

        dout = rng.standard_normal(out.shape)
        out_t.backward(torch.tensor(dout))
        dx, dw, db = solutions.conv2d_backward(dout, x, w, stride, padding)
        np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(dw, wt.grad.numpy(), rtol=1e-10, atol=1e-10)
        if b is not None:
            np.testing.assert_allclose(db, bt.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_conv2d_float32_matches_torch():
    torch = pytest.importorskip("torch")
    rng = rng_for(23)
    x = rng.standard_normal((2, 4, 9, 9)).astype(np.float32)
    w = rng.standard_normal((5, 4, 3, 3)).astype(np.float32)
    out = solutions.conv2d(x, w, stride=2, padding=1)
    expected = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w), stride=2, padding=1)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected.numpy(), rtol=1e-4, atol=1e-4)


def test_maxpool2d_and_backward_match_torch():
    torch = pytest.importorskip("torch")
    rng = rng_for(24)
    for dtype in (np.float64, np.float32):
        for _ in range(25):
            x, kernel, stride, padding = random_pool_config(rng)
            x = x.astype(dtype)  # continuous values: no ties
            xt = torch.tensor(x, requires_grad=True)
            out_t = torch.nn.functional.max_pool2d(
                xt, kernel, stride=stride if stride is not None else None, padding=padding)
            out = solutions.maxpool2d(x, kernel, stride, padding)
            assert out.dtype == dtype
            np.testing.assert_array_equal(out, out_t.detach().numpy())
            dout = rng.standard_normal(out.shape).astype(dtype)
            out_t.backward(torch.tensor(dout))
            dx = solutions.maxpool2d_backward(dout, x, kernel, stride, padding)
            np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_flatten_matches_torch():
    torch = pytest.importorskip("torch")
    x = rng_for(25).standard_normal((2, 3, 4, 5))
    for start in range(-4, 4):
        np.testing.assert_array_equal(solutions.flatten(x, start),
                                      torch.flatten(torch.from_numpy(x), start).numpy())


def test_cnn_forward_matches_torch_modules():
    torch = pytest.importorskip("torch")
    rng = rng_for(26)
    N, C, F, H, W, K = 3, 2, 4, 8, 7, 5
    params = make_params(rng, C, F, H, W, K)
    x = rng.standard_normal((N, C, H, W))
    conv = torch.nn.Conv2d(C, F, 3, padding=1).double()
    fc = torch.nn.Linear(F * (H // 2) * (W // 2), K).double()
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(params["conv_w"]))
        conv.bias.copy_(torch.from_numpy(params["conv_b"]))
        fc.weight.copy_(torch.from_numpy(params["fc_w"]))
        fc.bias.copy_(torch.from_numpy(params["fc_b"]))
        model = torch.nn.Sequential(conv, torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(), fc)
        expected = model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(solutions.cnn_forward(x, params), expected, rtol=1e-10, atol=1e-10)


def test_maxpool2d_average_misconception_is_avg_pool2d():
    torch = pytest.importorskip("torch")
    x = rng_for(27).standard_normal((2, 3, 7, 6))
    expected = torch.nn.functional.avg_pool2d(torch.from_numpy(x), 3, 2, 1, count_include_pad=True)
    np.testing.assert_allclose(mis.maxpool2d_average(x, 3, 2, 1), expected.numpy(), rtol=1e-12)


# --- misconceptions ----------------------------------------------------------------------

def _conv_inputs(rng):
    return (rng.standard_normal((2, 3, 7, 8)), rng.standard_normal((3, 3, 3, 3)),
            rng.standard_normal(3))


def _conv_call(rng):
    x, w, b = _conv_inputs(rng)
    return (x, w, b, 2, 1), {}


def _conv_backward_call(rng):
    x, w, _ = _conv_inputs(rng)
    dout = rng.standard_normal(solutions.conv2d(x, w, None, 2, 1).shape)
    return (dout, x, w, 2, 1), {}


def _pool_call(rng):
    # 2x2 windows with padding 1: border windows hold one or two real cells
    return (rng.standard_normal((2, 3, 7, 8)), 2), {"padding": 1}


def _pool_backward_call(rng):
    # post-ReLU-like activations: many exact ties (zeros and repeated small integers)
    x = np.maximum(np.round(rng.standard_normal((2, 3, 6, 8)) * 2), 0)
    dout = rng.standard_normal(solutions.maxpool2d(x, 2).shape)
    return (dout, x, 2), {}


def _padded_pool_backward_call(rng):
    # overlapping 3x3 windows with padding 1: border windows hold padding, and windows hold ties
    x = np.maximum(np.round(rng.standard_normal((2, 3, 7, 6)) * 2), 0)
    dout = rng.standard_normal(solutions.maxpool2d(x, 3, 2, 1).shape)
    return (dout, x, 3, 2, 1), {}


def _single_call(rng):
    return (rng.standard_normal((6, 7)), rng.standard_normal((3, 2))), {}


def _flatten_call(rng):
    return (rng.standard_normal((2, 3, 4, 5)), 1), {}


def _cnn_call(rng):
    return (rng.standard_normal((2, 2, 6, 6)), make_params(rng)), {}


def _relu_call(rng):
    return (rng.standard_normal((2, 3, 4, 4)),), {}


def _linear_call(rng):
    return (rng.standard_normal((3, 5)), rng.standard_normal((4, 5)), rng.standard_normal(4)), {}


# Every wrong variant against the building block it stands in for (families' `replaces`).
MISCONCEPTIONS = [
    (mis.conv2d_flipped, solutions.conv2d, _conv_call),
    (mis.conv2d_flipped_up_down, solutions.conv2d, _conv_call),
    (mis.conv2d_flipped_left_right, solutions.conv2d, _conv_call),
    (mis.conv2d_kernel_transposed, solutions.conv2d, _conv_call),
    (mis.conv2d_window_mean, solutions.conv2d, _conv_call),
    (mis.conv2d_last_channel_only, solutions.conv2d, _conv_call),
    (mis.conv2d_first_channel_only, solutions.conv2d, _conv_call),
    (mis.conv2d_padding_ignored, solutions.conv2d, _conv_call),
    (mis.conv2d_padding_one_side, solutions.conv2d, _conv_call),
    (mis.conv2d_edge_padding, solutions.conv2d, _conv_call),
    (mis.conv2d_stride_ignored, solutions.conv2d, _conv_call),
    (mis.conv2d_stride_in_size_only, solutions.conv2d, _conv_call),
    (mis.conv2d_no_bias, solutions.conv2d, _conv_call),
    (mis.conv2d_bias_per_input_channel, solutions.conv2d, _conv_call),
    (mis.conv2d_bias_per_tap, solutions.conv2d, _conv_call),
    (mis.conv2d_size_off_by_one, solutions.conv2d, _conv_call),
    (mis.conv2d_channels_last, solutions.conv2d, _conv_call),
    (mis.maxpool2d_zero_padding, solutions.maxpool2d, _pool_call),
    (mis.maxpool2d_average, solutions.maxpool2d, _pool_call),
    (mis.maxpool2d_stride_one, solutions.maxpool2d, _pool_call),
    (mis.maxpool2d_padding_ignored, solutions.maxpool2d, _pool_call),
    (mis.maxpool2d_padding_one_side, solutions.maxpool2d, _pool_call),
    (mis.maxpool2d_max_over_channels, solutions.maxpool2d, _pool_call),
    (mis.flatten_fortran_order, solutions.flatten, _flatten_call),
    (mis.flatten_batch_too, solutions.flatten, _flatten_call),
    (mis.flatten_channels_last, solutions.flatten, _flatten_call),
    (mis.relu_missing, solutions.relu, _relu_call),
    (mis.linear_softmax, solutions.linear, _linear_call),
    (mis.cnn_forward_relu_after_linear, solutions.cnn_forward, _cnn_call),
    (mis.conv2d_backward_unflipped_dx, solutions.conv2d_backward, _conv_backward_call),
    (mis.conv2d_backward_transposed_kernel, solutions.conv2d_backward, _conv_backward_call),
    (mis.conv2d_backward_dbias_mean, solutions.conv2d_backward, _conv_backward_call),
    (mis.conv2d_backward_dx_overwritten, solutions.conv2d_backward, _conv_backward_call),
    (mis.conv2d_backward_dx_first_image, solutions.conv2d_backward, _conv_backward_call),
    (mis.conv2d_backward_dweight_mean, solutions.conv2d_backward, _conv_backward_call),
    (mis.conv2d_backward_dweight_first_image, solutions.conv2d_backward, _conv_backward_call),
    (mis.conv2d_backward_dbias_batch_mean, solutions.conv2d_backward, _conv_backward_call),
    (mis.conv2d_backward_params_batch_mean, solutions.conv2d_backward, _conv_backward_call),
    (mis.conv2d_backward_dbias_total, solutions.conv2d_backward, _conv_backward_call),
    (mis.conv2d_backward_dbias_total_per_filter, solutions.conv2d_backward, _conv_backward_call),
    (mis.conv2d_backward_dx_stride_one, solutions.conv2d_backward, _conv_backward_call),
    (mis.maxpool2d_backward_all_ties, solutions.maxpool2d_backward, _pool_backward_call),
    (mis.maxpool2d_backward_average, solutions.maxpool2d_backward, _pool_backward_call),
    (mis.maxpool2d_backward_stride_one, solutions.maxpool2d_backward, _pool_backward_call),
    (mis.maxpool2d_backward_padding_ignored, solutions.maxpool2d_backward, _padded_pool_backward_call),
    (mis.maxpool2d_backward_max_over_channels, solutions.maxpool2d_backward, _pool_backward_call),
    (mis.maxpool2d_backward_times_input, solutions.maxpool2d_backward, _pool_backward_call),
]


def _as_tuple(result):
    return result if isinstance(result, tuple) else (result,)


@pytest.mark.parametrize("variant, reference, make_call", MISCONCEPTIONS,
                         ids=[v.__name__ for v, _, _ in MISCONCEPTIONS])
def test_misconception_is_a_real_variant(variant, reference, make_call):
    import inspect

    assert inspect.signature(variant) == inspect.signature(reference)
    assert variant.__doc__ and "mistake" in variant.__doc__.lower()
    for trial in range(3):
        args, kwargs = make_call(rng_for(28, variant.__name__, trial))
        got = _as_tuple(variant(*args, **kwargs))
        want = _as_tuple(reference(*args, **kwargs))
        assert len(got) == len(want)
        # plausible: same number of dimensions per part (or a flattened array, or one number)
        assert all(g.ndim in (w.ndim, 1, 0) for g, w in zip(got, want))
        differs = any(g.shape != w.shape or not np.allclose(g, w) for g, w in zip(got, want))
        assert differs, f"{variant.__name__} matched the reference on trial {trial}"


def test_misconception_values_match_their_description():
    rng = rng_for(29)
    x, w, b = _conv_inputs(rng)
    flipped = w[..., ::-1, ::-1]
    np.testing.assert_allclose(mis.conv2d_flipped(x, w, b, 1, 1), oracles.conv2d(x, flipped, b, 1, 1),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(mis.conv2d_channels_last(x, w, b, 2, 1),
                               oracles.conv2d(x, w, b, 2, 1).transpose(0, 2, 3, 1), rtol=1e-12, atol=1e-12)
    stride1 = oracles.conv2d(x, w, b, 1, 1)
    strided = oracles.conv2d(x, w, b, 2, 1)
    np.testing.assert_allclose(mis.conv2d_stride_in_size_only(x, w, b, 2, 1),
                               stride1[:, :, :strided.shape[2], :strided.shape[3]], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(mis.conv2d_bias_per_input_channel(x, w, b, 1, 0),
                               oracles.conv2d(x, w, 3 * b), rtol=1e-12, atol=1e-12)  # C = 3 channels
    assert mis.conv2d_size_off_by_one(x, w, b, 2, 1).shape == (2, 3, strided.shape[2] - 1, strided.shape[3] - 1)
    np.testing.assert_allclose(mis.conv2d_window_mean(x, w, b, 1, 1), oracles.conv2d(x, w / 27, b, 1, 1),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(mis.conv2d_bias_per_tap(x, w, b, 1, 1), oracles.conv2d(x, w, 27 * b, 1, 1),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(mis.conv2d_last_channel_only(x, w, b, 1, 0),
                               oracles.conv2d(x[:, 2:], w[:, 2:], b), rtol=1e-12, atol=1e-12)
    below_right = np.pad(x, ((0, 0), (0, 0), (0, 2), (0, 2)))
    np.testing.assert_allclose(mis.conv2d_padding_one_side(x, w, b, 1, 1), oracles.conv2d(below_right, w, b),
                               rtol=1e-12, atol=1e-12)
    pooled = solutions.maxpool2d(x, 2)
    np.testing.assert_array_equal(mis.maxpool2d_max_over_channels(x, 2)[:, 1], pooled.max(axis=1))
    dx, dweight, _ = solutions.conv2d_backward(np.ones((2, 3, 5, 6)), x, w)
    np.testing.assert_allclose(mis.conv2d_backward_dweight_mean(np.ones((2, 3, 5, 6)), x, w)[1], dweight / 2)
    a = rng.standard_normal((2, 3, 4))
    np.testing.assert_array_equal(mis.flatten_fortran_order(a, 1),
                                  np.stack([a[n].reshape(-1, order="F") for n in range(2)]))
    dx_true = oracles.conv2d_backward(np.ones((1, 1, 3, 3)), np.ones((1, 1, 5, 5)), w[:1, :1], 1, 0)[0]
    dx_unflipped = mis.conv2d_backward_unflipped_dx(np.ones((1, 1, 3, 3)), np.ones((1, 1, 5, 5)),
                                                    w[:1, :1, ::-1, ::-1])[0]
    np.testing.assert_allclose(dx_unflipped, dx_true, rtol=1e-12)  # flipping twice undoes it


def test_misconception_guards():
    with pytest.raises(ValueError, match="square"):
        mis.conv2d_backward_transposed_kernel(np.zeros((1, 1, 3, 4)), np.zeros((1, 1, 4, 4)),
                                              np.zeros((1, 1, 2, 1)))


# --- facts the course states, checked by computation ---------------------------------------------------------------

def full_convolution_dx(dout, weight, padding):
    """dx as ONE convolution: dout, padded by KH-1 and KW-1, against the kernel flipped in both spatial axes with
    its filter and channel axes swapped, (C, F, KH, KW); then the forward padding is cut off."""
    KH, KW = weight.shape[2:]
    kernel = weight[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)
    full = solutions.conv2d(dout, kernel, padding=(KH - 1, KW - 1))
    return full[:, :, padding:full.shape[2] - padding, padding:full.shape[3] - padding]


@pytest.mark.parametrize("padding", [0, 1])
def test_dx_is_a_full_convolution_with_flipped_swapped_kernel_for_stride_1(padding):
    rng = rng_for(41)
    x, weight = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2))
    dout = rng.standard_normal(solutions.conv2d(x, weight, padding=padding).shape)
    dx, _, _ = solutions.conv2d_backward(dout, x, weight, padding=padding)
    np.testing.assert_allclose(full_convolution_dx(dout, weight, padding), dx, atol=1e-12)
    unswapped = weight[:, :, ::-1, ::-1]  # F and C left in place: the shapes do not even fit (F=4 vs C=3)
    with pytest.raises(ValueError):
        solutions.conv2d(dout, unswapped, padding=(2, 1))


def test_dx_is_not_that_full_convolution_for_stride_2_unless_dout_is_spread_out():
    rng = rng_for(42)
    x, weight = rng.standard_normal((1, 2, 7, 7)), rng.standard_normal((3, 2, 3, 3))
    dout = rng.standard_normal(solutions.conv2d(x, weight, stride=2).shape)
    dx, _, _ = solutions.conv2d_backward(dout, x, weight, stride=2)
    plain = full_convolution_dx(dout, weight, 0)
    assert plain.shape != dx.shape or not np.allclose(plain, dx)
    spread = np.zeros(dout.shape[:2] + (2 * dout.shape[2] - 1, 2 * dout.shape[3] - 1))
    spread[:, :, ::2, ::2] = dout  # stride - 1 zeros between neighbouring dout values
    np.testing.assert_allclose(full_convolution_dx(spread, weight, 0), dx, atol=1e-12)


def test_a_one_pixel_shift_keeps_only_about_a_third_of_2x2_pooled_values():
    x = rng_for(43).standard_normal((1, 1, 128, 129))
    pooled = solutions.maxpool2d(x[:, :, :, 1:], 2)  # the map as it was
    shifted = solutions.maxpool2d(x[:, :, :, :-1], 2)  # the same map moved one pixel to the right
    kept = float(np.mean(pooled == shifted))
    assert 0.25 < kept < 0.42  # each window shares 2 of 4 cells with its shifted twin: P(max among them) = 2/6
    assert kept < 0.5  # so most pooled values change: pooling is not shift-invariant


def test_a_shift_by_a_whole_window_moves_the_pooled_map_by_one_cell():
    x = rng_for(44).standard_normal((1, 2, 16, 18))
    pooled = solutions.maxpool2d(x, 2)
    moved = solutions.maxpool2d(np.pad(x, ((0, 0), (0, 0), (0, 0), (2, 0)))[:, :, :, :-2], 2)
    np.testing.assert_array_equal(moved[:, :, :, 1:], pooled[:, :, :, :-1])  # equivariance: it moves along
    assert not np.array_equal(moved, pooled)


def test_a_move_inside_its_window_leaves_the_pooled_value_unchanged():
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 0, 0] = 5.0
    moved = np.zeros_like(x)
    moved[0, 0, 1, 1] = 5.0  # still in the top-left 2x2 window
    np.testing.assert_array_equal(solutions.maxpool2d(x, 2), solutions.maxpool2d(moved, 2))


def test_stacked_small_kernels_reach_the_whole_image_in_a_deep_network():
    """Each 3x3 layer (stride 1, padding 1) widens what one value depends on by 2 pixels; after 31 layers every
    value of a 32x32 map depends on the corner pixel, so a deep layer does see the whole image."""
    impulse = np.zeros((1, 1, 32, 32))
    impulse[0, 0, 0, 0] = 1.0
    reach = impulse
    for layer in range(1, 32):
        reach = solutions.conv2d(reach, np.ones((1, 1, 3, 3)), padding=1)
        assert bool(np.all(reach > 0)) == (layer >= 31)


def test_an_edge_kernel_answers_with_opposite_signs_to_opposite_edges():
    kernel = np.array([[1.0, 0.0, -1.0]] * 3)  # bright on the left, dark on the right
    bright_to_dark = np.repeat([[9.0] * 3 + [0.0] * 3], 4, axis=0)
    assert solutions.conv2d_single(bright_to_dark, kernel).max() > 0
    assert solutions.conv2d_single(bright_to_dark[:, ::-1], kernel).min() < 0


def test_at_a_tie_splitting_is_a_valid_gradient_and_copying_is_not():
    """max(x + t*d) - max(x) for a small t is t * max(d over the tied cells). Any split of the gradient among the
    tied cells that adds up to 1 predicts at most that; a copy to every tied cell predicts too much."""
    x = np.array([[[[3.0, 3.0], [1.0, 0.0]]]])
    tied = (x == x.max()).ravel()
    first = solutions.maxpool2d_backward(np.ones((1, 1, 1, 1)), x, 2).ravel()
    assert first.tolist() == [1.0, 0.0, 0.0, 0.0]  # the first maximum in row-major order (PyTorch's choice)
    split, copied = tied / tied.sum(), tied.astype(float)
    for direction in np.eye(4).tolist() + [[1.0, 1.0, 1.0, 1.0], [1.0, -1.0, 0.0, 0.0]]:
        direction = np.array(direction)
        change = (solutions.maxpool2d(x + 1e-6 * direction.reshape(x.shape), 2) - x.max()).item() / 1e-6
        assert first @ direction <= change + 1e-6 and split @ direction <= change + 1e-6
    assert copied @ np.ones(4) > 1.5  # the max grew by t, the copy claims 2t
