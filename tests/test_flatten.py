"""Tests of Flatten: shapes, element order, gradient, errors."""

from __future__ import annotations

import numpy as np
import pytest

from dlcore.gradcheck import check_layer
from dlcore.layers.flatten import Flatten


@pytest.mark.parametrize(("shape", "out"), [
    ((None, 5, 5, 64), (None, 1600)),
    ((3, 4), (3, 4)),
    ((2, 3, 4), (2, 12)),
    ((7,), (7, 1)),
    ((None, None, 3), (None, None)),
])
def test_compute_output_shape(shape, out):
    assert Flatten().compute_output_shape(shape) == out


def test_forward_is_row_major_channels_last_and_backward_restores_the_shape():
    x = np.arange(2 * 2 * 3 * 4, dtype=np.float64).reshape(2, 2, 3, 4)
    layer = Flatten()
    y = layer.forward(x)
    assert y.shape == (2, 24)
    np.testing.assert_array_equal(y[1, :5], [24, 25, 26, 27, 28])
    assert y[1, 4] == x[1, 0, 1, 0]  # the channel index varies fastest
    dout = np.random.default_rng(0).standard_normal(y.shape)
    dout_copy = dout.copy()
    dx = layer.backward(dout)
    assert dx.shape == x.shape
    np.testing.assert_array_equal(dx.reshape(2, -1), dout)
    np.testing.assert_array_equal(dout, dout_copy)


def test_gradient_check_and_no_parameters():
    layer = Flatten()
    errors = check_layer(layer, np.random.default_rng(0).standard_normal((2, 3, 2, 2)))
    assert errors["x"] <= 1e-6 and layer.count_params() == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    layer = Flatten()
    y = layer.forward(np.ones((2, 3, 3), dtype=dtype))
    assert y.dtype == layer.backward(np.ones_like(y)).dtype == dtype


def test_non_contiguous_input():
    x = np.random.default_rng(0).standard_normal((2, 4, 3, 5)).transpose(0, 2, 1, 3)  # (2, 3, 4, 5) view
    np.testing.assert_array_equal(Flatten().forward(x), np.ascontiguousarray(x).reshape(2, 60))


def test_errors():
    layer = Flatten(name="flat_a")
    layer.forward(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match=r"flat_a.*\(2, 11\).*\(2, 12\)"):
        layer.backward(np.zeros((2, 11)))
    with pytest.raises(ValueError, match=r"flat_b.*\(2, 3, 5\)"):
        Flatten(input_shape=(3, 4), name="flat_b").forward(np.zeros((2, 3, 5)))
