"""Tests of the ``LeakyReLU`` layer: Keras 3's default slope 0.3, gradients away from 0, Keras' outputs."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output
from keras_reference import keras as keras_fixture  # noqa: F401 (the `keras` fixture)

from dlcore.gradcheck import check_layer
from dlcore.layers import LeakyReLU


def away_from_zero(shape, seed=0):
    x = np.random.default_rng(seed).standard_normal(shape)
    return x + np.sign(x) * 0.1  # |x| >= 0.1: never at the kink


@pytest.mark.parametrize("slope", [None, 0.0, 0.1, 1.5])
def test_gradients_and_keras(keras, slope):
    x = away_from_zero((3, 4, 2))
    layer = LeakyReLU() if slope is None else LeakyReLU(slope)
    assert layer.negative_slope == (0.3 if slope is None else slope)
    assert max(check_layer(layer, x).values()) < 1e-8
    ref = keras.layers.LeakyReLU() if slope is None else keras.layers.LeakyReLU(negative_slope=slope)
    assert_close_to_keras(f"LeakyReLU slope={slope}", layer.forward(x), keras_layer_output(keras, ref, x))


def test_values_and_errors():
    np.testing.assert_allclose(LeakyReLU().forward(np.array([[-2.0, 0.0, 3.0]])), [[-0.6, 0.0, 3.0]])
    with pytest.raises(ValueError, match="negative_slope"):
        LeakyReLU(-0.1)
