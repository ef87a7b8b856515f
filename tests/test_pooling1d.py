"""Tests of ``MaxPooling1D`` and ``AveragePooling1D``: gradients, Keras' outputs, shapes, errors."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output
from keras_reference import keras as keras_fixture  # noqa: F401 (the `keras` fixture)

from dlcore.gradcheck import check_layer
from dlcore.layers import AveragePooling1D, MaxPool1D, MaxPooling1D

CASES = [(2, None, "valid"), (3, 2, "valid"), (3, 2, "same"), (2, 1, "same")]


@pytest.mark.parametrize("cls", [MaxPooling1D, AveragePooling1D])
@pytest.mark.parametrize("pool, strides, padding", CASES)
def test_gradients_and_keras(keras, cls, pool, strides, padding):
    rng = np.random.default_rng(pool)
    x = rng.standard_normal((2, 7, 3))  # continuous values: no ties, no kinks
    layer = cls(pool, strides=strides, padding=padding)
    assert max(check_layer(layer, x).values()) < 1e-7
    ref = getattr(keras.layers, cls.__name__)(pool, strides=strides, padding=padding)
    assert_close_to_keras(f"{cls.__name__} p={pool} s={strides} {padding}", layer.forward(x),
                          keras_layer_output(keras, ref, x))
    assert layer.compute_output_shape((None, 7, 3)) == (None, *layer.forward(x).shape[1:])


def test_alias_and_errors():
    assert MaxPool1D is MaxPooling1D
    layer = MaxPooling1D(4, name="pool")
    with pytest.raises(ValueError, match=r"pool.*\(2, 3, 1\)"):
        layer.forward(np.zeros((2, 3, 1)))
    with pytest.raises(ValueError, match=r"pool.*\(2, 3\)"):
        layer.forward(np.zeros((2, 3)))
