"""Tests of the ``ReLU`` layer: Keras' max_value, negative_slope and threshold, gradients away from the kinks."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output
from keras_reference import keras as keras_fixture  # noqa: F401 (the `keras` fixture)

from dlcore.gradcheck import check_layer
from dlcore.layers import ReLU


def away_from(kinks, shape=(3, 4, 5), seed=0):
    x = np.random.default_rng(seed).normal(scale=3, size=shape)
    for k in kinks:
        x[np.abs(x - k) < 0.05] += 0.1  # never at a kink
    return x


@pytest.mark.parametrize("kwargs", [{}, dict(max_value=6.0), dict(negative_slope=0.2),
                                    dict(threshold=1.0), dict(max_value=3.0, negative_slope=0.1, threshold=0.5)])
def test_gradients_and_keras(keras, kwargs):
    x = away_from([0.0, kwargs.get("threshold", 0.0), kwargs.get("max_value", 0.0)])
    layer = ReLU(**kwargs)
    assert max(check_layer(layer, x).values()) < 1e-8
    theirs = keras_layer_output(keras, keras.layers.ReLU(**kwargs), x)
    assert_close_to_keras(f"ReLU({kwargs})", layer.forward(x), theirs)


def test_values_defaults_and_errors():
    layer = ReLU()
    assert (layer.max_value, layer.negative_slope, layer.threshold) == (None, 0.0, 0.0)  # Keras' defaults
    np.testing.assert_allclose(ReLU(6.0).forward(np.array([[-2.0, 3.0, 9.0]])), [[0.0, 3.0, 6.0]])  # max_value first
    np.testing.assert_allclose(ReLU(negative_slope=0.5).forward(np.array([[-2.0, 0.0, 3.0]])), [[-1.0, 0.0, 3.0]])
    for kwargs, what in [(dict(max_value=-1.0), "max_value"), (dict(negative_slope=-0.1), "negative_slope"),
                         (dict(threshold=None), "threshold"), (dict(threshold=-1.0), "threshold")]:
        with pytest.raises(ValueError, match=f"ReLU: {what} must be a number >= 0"):
            ReLU(**kwargs)


def test_saved_and_loaded(tmp_path):
    from dlcore import Sequential
    from dlcore.layers import Dense
    from dlcore.saving import load_model
    model = Sequential([Dense(4, input_dim=3), ReLU(max_value=1.0, threshold=0.2), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(5, 3))
    expected = model.predict(x, verbose=0)  # builds it
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert loaded.layers[1].max_value == 1.0 and loaded.layers[1].threshold == 0.2
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected)
