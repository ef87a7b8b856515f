"""Tests of ``Rescaling``: values, gradients, Keras' outputs, integer pixels in."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output
from keras_reference import keras as keras_fixture  # noqa: F401 (the `keras` fixture)

from dlcore.gradcheck import check_layer
from dlcore.layers import Rescaling


@pytest.mark.parametrize("scale, offset", [(1 / 255, 0.0), (1 / 127.5, -1.0), (2.0, 0.5)])
def test_gradients_and_keras(keras, scale, offset):
    x = np.random.default_rng(0).uniform(0, 255, (2, 3, 4))
    layer = Rescaling(scale, offset)
    assert max(check_layer(layer, x / 255).values()) < 1e-7
    ref = keras.layers.Rescaling(scale, offset)
    assert_close_to_keras(f"Rescaling {scale:.4g} {offset}", layer.forward(x), keras_layer_output(keras, ref, x))


def test_integer_pixels_become_float32_and_errors():
    y = Rescaling(1 / 255).forward(np.array([[0, 255]], dtype=np.uint8))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, [[0.0, 1.0]])
    with pytest.raises(ValueError, match="finite"):
        Rescaling(np.inf)
