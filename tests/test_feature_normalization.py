"""Tests of the ``Normalization`` layer: adapt, given statistics, invert, gradients, Keras' outputs."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output
from keras_reference import keras as keras_fixture  # noqa: F401 (the `keras` fixture)

from dlcore.gradcheck import check_layer
from dlcore.layers import Normalization


@pytest.mark.parametrize("axis", [-1, None, (1, 2)])
def test_adapt_matches_keras(keras, axis):
    rng = np.random.default_rng(0)
    data = rng.standard_normal((20, 3, 4)) * rng.uniform(0.5, 5, 4) + rng.uniform(-3, 3, 4)
    layer = Normalization(axis=axis)
    layer.adapt(data)
    ref = keras.layers.Normalization(axis=axis)
    ref.adapt(data)
    x = data[:5]
    # Keras' forward pass on the torch backend is ~1e-7 accurate here even in float64 (its adapted mean and
    # variance match numpy's exactly): see keras.ops.mean in test_global_pooling.py
    assert_close_to_keras(f"Normalization adapt axis={axis}", layer.forward(x), keras_layer_output(keras, ref, x),
                          atol=1e-6)
    assert max(check_layer(layer, x).values()) < 1e-8


def test_given_statistics_and_invert_match_keras(keras):
    x = np.random.default_rng(1).standard_normal((4, 3))
    mean, var = np.array([1.0, -2.0, 0.5]), np.array([4.0, 0.25, 1e-3])
    for invert in (False, True):
        layer = Normalization(mean=mean, variance=var, invert=invert)
        ref = keras.layers.Normalization(mean=mean, variance=var, invert=invert)
        assert_close_to_keras(f"Normalization given invert={invert}", layer.forward(x),
                              keras_layer_output(keras, ref, x), atol=1e-6)  # Keras' float64 is ~1e-8 relative
        assert max(check_layer(layer, x).values()) < 1e-8


def test_adapted_output_is_standardised_and_errors():
    data = np.random.default_rng(2).standard_normal((50, 3)) * 10 + 7
    layer = Normalization()
    layer.adapt(data)
    y = layer.forward(data)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), 1, atol=1e-12)
    assert layer.count_params() == 0 and layer.count_non_trainable() == 7  # mean, variance, count as Keras
    with pytest.raises(ValueError, match=r"\(2, 4\)"):
        layer.forward(np.zeros((2, 4)))
    zero_var = Normalization(mean=0.0, variance=0.0)  # the std is floored at 1e-7, as in Keras
    np.testing.assert_allclose(zero_var.forward(np.array([[1e-7]])), [[1.0]])
    with pytest.raises(ValueError, match="both"):
        Normalization(mean=1.0)
