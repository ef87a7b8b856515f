"""Tests of dlcore.layers.global_pooling: GlobalAveragePooling1D (with and without a padding mask),
GlobalAveragePooling2D and GlobalMaxPooling1D/2D (gradients, Keras' outputs, ties)."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output
from keras_reference import keras as keras_fixture  # noqa: F401 (the `keras` fixture)

from dlcore.gradcheck import check_layer
from dlcore.layers import GlobalAveragePooling2D, GlobalMaxPool2D, GlobalMaxPooling1D, GlobalMaxPooling2D
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


def test_keepdims_keeps_the_time_axis_as_keras(keras):
    x = _randn(2, 5, 3, seed=3)
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
    layer = GlobalAveragePooling1D(keepdims=True)
    y = layer.forward(x, mask=mask)
    assert y.shape == (2, 1, 3) and layer.compute_output_shape((None, 5, 3)) == (None, 1, 3)
    np.testing.assert_allclose(y[:, 0], GlobalAveragePooling1D().forward(x, mask=mask), rtol=1e-12)
    assert layer.backward(np.ones((2, 1, 3))).shape == x.shape
    set_seed(3)
    assert check_layer(GlobalAveragePooling1D(keepdims=True), x)["x"] < 1e-6
    assert_close_to_keras("GlobalAveragePooling1D keepdims=True", GlobalAveragePooling1D(keepdims=True).forward(x),
                          keras_layer_output(keras, keras.layers.GlobalAveragePooling1D(keepdims=True), x), atol=1e-6)


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


# ----- GlobalAveragePooling2D, GlobalMaxPooling1D/2D ---------------------------------------------
NEW_LAYERS = {GlobalAveragePooling2D: 4, GlobalMaxPooling1D: 3, GlobalMaxPooling2D: 4}


@pytest.mark.parametrize("cls", NEW_LAYERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("keepdims", [False, True])
def test_new_global_pooling_gradients_and_keras(keras, cls, keepdims):
    rng = np.random.default_rng(NEW_LAYERS[cls])
    x = rng.standard_normal((2, *rng.integers(1, 5, size=NEW_LAYERS[cls] - 2), 3))  # continuous: no ties
    layer = cls(keepdims=keepdims)
    assert max(check_layer(layer, x).values()) < 1e-7
    ours = layer.forward(x)
    # keras.ops.mean on the torch backend is only ~1e-8 accurate even in float64 (3e-8 measured against numpy)
    assert_close_to_keras(f"{cls.__name__} keepdims={keepdims}", ours,
                          keras_layer_output(keras, getattr(keras.layers, cls.__name__)(keepdims=keepdims), x),
                          atol=1e-10 if "Max" in cls.__name__ else 1e-6)
    assert layer.compute_output_shape((None, *x.shape[1:])) == (None, *ours.shape[1:])


def test_global_max_gradient_goes_to_the_first_maximum_only():
    x = np.array([[[1.0, 5.0], [3.0, 5.0], [3.0, 0.0]]])  # ties in both channels
    layer = GlobalMaxPooling1D()
    np.testing.assert_array_equal(layer.forward(x), [[3.0, 5.0]])
    np.testing.assert_array_equal(layer.backward(np.array([[1.0, 2.0]])), [[[0, 2], [1, 0], [0, 0]]])
    assert GlobalMaxPool2D is GlobalMaxPooling2D
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        GlobalMaxPooling2D().forward(np.zeros((2, 3)))
