"""Tests of MaxPool2D and AveragePooling2D: loop and PyTorch references, gradients, ties, shapes, errors."""

from __future__ import annotations

import numpy as np
import pytest

from dlcore.gradcheck import check_layer
from dlcore.layers.pooling import AveragePooling2D, MaxPool2D, MaxPooling2D

# (batch, H, W, C, pool_size, strides, padding)
CONFIGS = [
    (2, 6, 6, 3, 2, None, "valid"),  # the reshape-trick case: stride = pool, sizes divide
    (2, 7, 5, 2, 2, None, "valid"),  # last row/column dropped
    (2, 7, 7, 2, 3, 2, "valid"),  # overlapping windows
    (1, 7, 8, 3, (2, 3), (1, 2), "valid"),
    (2, 7, 5, 2, 2, None, "same"),  # TF pads the odd pixel bottom/right
    (2, 8, 6, 1, 3, 2, "same"),
    (1, 5, 9, 2, (3, 2), (2, 3), "same"),
]


def tf_pads(size: int, k: int, s: int) -> tuple[int, int]:
    out = int(np.ceil(size / s))
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def naive_pool(x, pool, strides, padding, reduce):
    """Reference with loops over output pixels; padding is excluded from every window."""
    (ph, pw), (sh, sw) = pool, strides
    n, h, w, c = x.shape
    (pt, pb), (pl, pr) = ((tf_pads(h, ph, sh), tf_pads(w, pw, sw)) if padding == "same" else ((0, 0), (0, 0)))
    ho, wo = (h + pt + pb - ph) // sh + 1, (w + pl + pr - pw) // sw + 1
    out = np.zeros((n, ho, wo, c))
    for r in range(ho):
        for q in range(wo):
            r0, q0 = r * sh - pt, q * sw - pl
            window = x[:, max(r0, 0):r0 + ph, max(q0, 0):q0 + pw, :]
            out[:, r, q, :] = reduce(window, axis=(1, 2))
    return out


def make(cls, cfg, seed=0):
    n, h, w, c, p, s, pad = cfg
    layer = cls(p, strides=s, padding=pad)
    return layer, np.random.default_rng(seed).standard_normal((n, h, w, c))  # continuous: no ties


@pytest.mark.parametrize("cfg", CONFIGS)
@pytest.mark.parametrize(("cls", "reduce"), [(MaxPool2D, np.max), (AveragePooling2D, np.mean)])
def test_forward_matches_loops(cls, reduce, cfg):
    layer, x = make(cls, cfg)
    expected = naive_pool(x, layer.pool_size, layer.strides, layer.padding, reduce)
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-13)


@pytest.mark.parametrize("cfg", CONFIGS)
@pytest.mark.parametrize("cls", [MaxPool2D, AveragePooling2D])
def test_gradients_match_numerical(cls, cfg):
    layer, x = make(cls, cfg)
    errors = check_layer(layer, x)
    assert errors["x"] <= 1e-6, errors


@pytest.mark.parametrize("cfg", [c for c in CONFIGS if c[-1] == "valid"] + [(2, 7, 5, 2, 3, 2, "same")])
def test_max_pool_matches_torch(cfg):
    torch = pytest.importorskip("torch")
    layer, x = make(MaxPool2D, cfg)
    y = layer.forward(x)
    dout = np.random.default_rng(1).standard_normal(y.shape)
    dx = layer.backward(dout)
    (ph, pw), (sh, sw) = layer.pool_size, layer.strides
    xt = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    xin = xt
    if layer.padding == "same":  # TF-style asymmetric padding with -inf, which never wins a max
        (pt, pb), (pl, pr) = tf_pads(x.shape[1], ph, sh), tf_pads(x.shape[2], pw, sw)
        xin = torch.nn.functional.pad(xt, (pl, pr, pt, pb), value=-np.inf)
    yt = torch.nn.functional.max_pool2d(xin, (ph, pw), stride=(sh, sw))
    yt.backward(torch.tensor(dout.transpose(0, 3, 1, 2)))
    np.testing.assert_array_equal(y, yt.detach().numpy().transpose(0, 2, 3, 1))
    np.testing.assert_allclose(dx, xt.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-13)


def test_ties_send_the_gradient_to_the_first_max():
    x = np.zeros((1, 4, 4, 1))  # every window is a tie (e.g. ReLU zeros)
    x[0, 3, 3, 0] = -1.0
    x[0, 2, 3, 0] = 0.0
    layer = MaxPool2D(2)
    layer.forward(x)
    dx = layer.backward(np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1))
    expected = np.zeros((4, 4))
    expected[0, 0], expected[0, 2], expected[2, 0], expected[2, 2] = 1.0, 2.0, 3.0, 4.0  # row-major first
    np.testing.assert_array_equal(dx[0, :, :, 0], expected)


def test_ties_with_overlapping_windows_accumulate_once_per_window():
    x = np.zeros((1, 3, 3, 1))
    layer = MaxPool2D(2, strides=1)
    layer.forward(x)
    dx = layer.backward(np.ones((1, 2, 2, 1)))
    # each of the 4 windows sends its gradient to its own top-left pixel: 1 per window, none lost or doubled
    np.testing.assert_array_equal(dx[0, :, :, 0], [[1, 1, 0], [1, 1, 0], [0, 0, 0]])


def test_max_pool_gradient_goes_to_the_max_only():
    x = np.array([[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 9.0, 8.0]]).reshape(1, 2, 4, 1)
    layer = MaxPool2D(2)
    np.testing.assert_array_equal(layer.forward(x)[0, :, :, 0], [[5.0, 9.0]])
    dx = layer.backward(np.array([10.0, 20.0]).reshape(1, 1, 2, 1))
    np.testing.assert_array_equal(dx[0, :, :, 0], [[0, 10, 0, 0], [0, 0, 20, 0]])


def test_average_same_padding_ignores_the_padding():
    x = np.ones((1, 3, 3, 1))
    y = AveragePooling2D(2, padding="same").forward(x)
    np.testing.assert_array_equal(y, np.ones((1, 2, 2, 1)))  # zeros of the padding are not averaged in


@pytest.mark.parametrize(("cls", "shape", "pool", "strides", "padding", "out"), [
    (MaxPool2D, (None, 26, 26, 32), 2, None, "valid", (None, 13, 13, 32)),
    (MaxPool2D, (None, 11, 11, 64), 2, None, "valid", (None, 5, 5, 64)),
    (MaxPool2D, (4, 11, 11, 3), 2, None, "same", (4, 6, 6, 3)),
    (MaxPool2D, (4, 9, 10, 3), 3, 2, "valid", (4, 4, 4, 3)),
    (MaxPool2D, (4, 9, 10, 3), (2, 3), (3, 1), "same", (4, 3, 10, 3)),
    (AveragePooling2D, (2, 7, 7, 1), 3, 1, "valid", (2, 5, 5, 1)),
])
def test_output_shapes(cls, shape, pool, strides, padding, out):
    layer = cls(pool, strides=strides, padding=padding)
    assert layer.compute_output_shape(shape) == out
    x = np.zeros((2 if shape[0] is None else shape[0], *shape[1:]), dtype=np.float32)
    assert layer.forward(x).shape == (x.shape[0], *out[1:])


def test_defaults_alias_and_no_parameters():
    assert MaxPooling2D is MaxPool2D
    layer = MaxPool2D()
    assert layer.pool_size == (2, 2) and layer.strides == (2, 2) and layer.padding == "valid"
    assert MaxPool2D(3).strides == (3, 3) and MaxPool2D(3, strides=1).strides == (1, 1)
    layer.forward(np.zeros((1, 4, 4, 2)))
    assert layer.count_params() == 0 and layer.params == {}


@pytest.mark.parametrize("cls", [MaxPool2D, AveragePooling2D])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_and_dout_untouched(cls, dtype):
    x = np.random.default_rng(0).standard_normal((2, 5, 5, 3)).astype(dtype)
    layer = cls(2, padding="same")
    y = layer.forward(x)
    dout = np.random.default_rng(1).standard_normal(y.shape).astype(dtype)
    dout_copy, x_copy = dout.copy(), x.copy()
    dx = layer.backward(dout)
    assert y.dtype == dx.dtype == dtype and dx.shape == x.shape
    np.testing.assert_array_equal(dout, dout_copy)
    np.testing.assert_array_equal(x, x_copy)


def test_outputs_are_not_overwritten_by_later_calls():
    layer = MaxPool2D(2, padding="same")
    rng = np.random.default_rng(0)
    x1 = rng.standard_normal((2, 5, 5, 1))
    y1 = layer.forward(x1)
    dx1 = layer.backward(np.ones_like(y1))
    y1_copy, dx1_copy = y1.copy(), dx1.copy()
    y2 = layer.forward(rng.standard_normal(x1.shape))
    layer.backward(np.full_like(y2, 2.0))
    np.testing.assert_array_equal(y1, y1_copy)
    np.testing.assert_array_equal(dx1, dx1_copy)


def test_errors():
    with pytest.raises(ValueError, match=r"pool_a.*\(8, 28, 28\)"):
        MaxPool2D(name="pool_a").forward(np.zeros((8, 28, 28)))
    with pytest.raises(ValueError, match=r"pool_b.*\(1, 1, 5, 1\).*smaller than the pool window"):
        MaxPool2D(2, name="pool_b").forward(np.zeros((1, 1, 5, 1)))
    assert MaxPool2D(2, padding="same").forward(np.zeros((1, 1, 5, 1))).shape == (1, 1, 3, 1)
    with pytest.raises(ValueError):
        MaxPool2D(0)
    with pytest.raises(ValueError):
        MaxPool2D(2, padding="full")
    layer = MaxPool2D(2)
    layer.forward(np.zeros((1, 4, 4, 1)))
    with pytest.raises(ValueError, match=r"\(1, 3, 3, 1\).*\(1, 2, 2, 1\)"):
        layer.backward(np.zeros((1, 3, 3, 1)))
