"""Tests of ``Reshape`` and ``RepeatVector``: gradients, Keras' outputs, -1 inference, errors."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output
from keras_reference import keras as keras_fixture  # noqa: F401 (the `keras` fixture)

from dlcore.gradcheck import check_layer
from dlcore.layers import RepeatVector, Reshape


@pytest.mark.parametrize("target, in_shape", [((3, 4), (12,)), ((-1, 2), (3, 4)), ((2, 3, 2), (4, 3))])
def test_reshape_gradients_and_keras(keras, target, in_shape):
    x = np.random.default_rng(0).standard_normal((2, *in_shape))
    layer = Reshape(target)
    assert max(check_layer(layer, x).values()) < 1e-8
    ours = layer.forward(x)
    assert_close_to_keras(f"Reshape {target}", ours, keras_layer_output(keras, keras.layers.Reshape(target), x))
    assert layer.compute_output_shape((None, *in_shape)) == (None, *ours.shape[1:])


def test_reshape_errors_name_layer_and_shapes():
    with pytest.raises(ValueError, match=r"r1.*\(None, 5\).*6 numbers"):
        Reshape((2, 3), name="r1").forward(np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"multiple of 4"):
        Reshape((-1, 4)).forward(np.zeros((2, 6)))
    with pytest.raises(ValueError, match="at most one -1"):
        Reshape((-1, -1))


def test_repeat_vector_gradients_and_keras(keras):
    x = np.random.default_rng(1).standard_normal((3, 4))
    layer = RepeatVector(5)
    assert max(check_layer(layer, x).values()) < 1e-8
    ours = layer.forward(x)
    assert ours.shape == (3, 5, 4) == (3, *layer.compute_output_shape((None, 4))[1:])
    assert_close_to_keras("RepeatVector 5", ours, keras_layer_output(keras, keras.layers.RepeatVector(5), x))
    with pytest.raises(ValueError, match=r"repeat.*\(3, 4, 1\)"):
        RepeatVector(2, name="repeat").forward(np.zeros((3, 4, 1)))
    with pytest.raises(ValueError, match="positive"):
        RepeatVector(0)
