"""Tests of dlcore.layers.global_pooling: GlobalAveragePooling1D, with and without a padding mask."""

import numpy as np
import pytest

from dlcore.gradcheck import check_layer
from dlcore.layers.global_pooling import GlobalAveragePooling1D
from dlcore.random import set_seed


def _randn(*shape, seed=0):
    return np.random.default_rng(seed + 1000).standard_normal(shape)  # never set_seed(seed)'s stream


def test_mean_over_time_and_output_shape():
    x = _randn(3, 5, 4)
    layer = GlobalAveragePooling1D()
    y = layer.forward(x)
    np.testing.assert_allclose(y, x.mean(axis=1), rtol=1e-12)
    assert layer.compute_output_shape((None, 5, 4)) == (None, 4)
    assert layer.count_params() == 0
    np.testing.assert_array_equal(layer.forward(x, training=False), y)


def test_gradient_check():
    set_seed(1)
    assert check_layer(GlobalAveragePooling1D(), _randn(2, 6, 3, seed=1))["x"] < 1e-6


def test_mask_averages_only_real_steps():
    x = _randn(3, 4, 2, seed=2)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0]], dtype=bool)
    layer = GlobalAveragePooling1D()
    y = layer.forward(x, mask=mask)
    np.testing.assert_allclose(y[0], x[0, :2].mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(y[1], x[1].mean(axis=0), rtol=1e-12)
    np.testing.assert_array_equal(y[2], 0)  # no real step: zeros, not NaN
    dx = layer.backward(np.ones((3, 2)))
    np.testing.assert_allclose(dx[0, :, 0], [0.5, 0.5, 0, 0])
    np.testing.assert_array_equal(dx[2], 0)
    with pytest.raises(ValueError, match=r"\(3, 5\)"):
        layer.forward(x, mask=np.ones((3, 5), dtype=bool))


def test_dtype_dout_and_shape_errors():
    layer = GlobalAveragePooling1D(name="gap_test")
    x = _randn(2, 3, 4).astype(np.float32)
    y = layer.forward(x)
    assert y.dtype == np.float32
    dout = np.ones((2, 4), dtype=np.float32)
    dx = layer.backward(dout)
    assert dx.dtype == np.float32 and dx.shape == (2, 3, 4)
    np.testing.assert_allclose(dx, 1 / 3)
    np.testing.assert_array_equal(dout, 1)
    with pytest.raises(ValueError, match=r"gap_test.*\(2, 4\)"):
        layer.forward(np.ones((2, 4)))
