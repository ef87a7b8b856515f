"""Tests of ``UpSampling2D``: nearest-neighbour values, gradients, Keras' outputs, errors."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output
from keras_reference import keras as keras_fixture  # noqa: F401 (the `keras` fixture)

from dlcore.gradcheck import check_layer
from dlcore.layers import UpSampling2D


@pytest.mark.parametrize("size", [2, (1, 3), (3, 2)])
def test_gradients_and_keras(keras, size):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 2))
    layer = UpSampling2D(size)
    assert max(check_layer(layer, x).values()) < 1e-8
    ours = layer.forward(x)
    assert_close_to_keras(f"UpSampling2D {size}", ours, keras_layer_output(keras, keras.layers.UpSampling2D(size), x))
    assert layer.compute_output_shape((None, 3, 4, 2)) == (None, *ours.shape[1:])


def test_values_and_errors():
    y = UpSampling2D(2).forward(np.array([[[[1.0], [2.0]]]]))
    np.testing.assert_array_equal(y[0, :, :, 0], [[1, 1, 2, 2], [1, 1, 2, 2]])
    with pytest.raises(ValueError, match="nearest"):
        UpSampling2D(2, interpolation="bilinear")
    with pytest.raises(ValueError, match=r"\(3, 4\)"):
        UpSampling2D(2).forward(np.zeros((3, 4)))
