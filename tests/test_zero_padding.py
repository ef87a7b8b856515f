"""Tests of ``ZeroPadding2D``: Keras' three padding forms, gradients, Keras' outputs, errors."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output
from keras_reference import keras as keras_fixture  # noqa: F401 (the `keras` fixture)

from dlcore.gradcheck import check_layer
from dlcore.layers import ZeroPadding2D


@pytest.mark.parametrize("padding", [1, (2, 0), ((0, 1), (2, 3))])
def test_gradients_and_keras(keras, padding):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 2))
    layer = ZeroPadding2D(padding)
    assert max(check_layer(layer, x).values()) < 1e-8
    ours = layer.forward(x)
    ref = keras.layers.ZeroPadding2D(padding)
    assert_close_to_keras(f"ZeroPadding2D {padding}", ours, keras_layer_output(keras, ref, x))
    assert layer.compute_output_shape((None, 3, 4, 2)) == (None, *ours.shape[1:])


def test_errors():
    with pytest.raises(ValueError, match="padding"):
        ZeroPadding2D(-1)
    with pytest.raises(ValueError, match=r"\(3, 4, 5\)"):
        ZeroPadding2D(1).forward(np.zeros((3, 4, 5)))
