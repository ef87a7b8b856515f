"""Tests of ``Conv1D``: gradients, Keras' outputs and shapes (valid, same, causal; strides), causality, errors."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output
from keras_reference import keras as keras_fixture  # noqa: F401 (the `keras` fixture)

from dlcore.gradcheck import check_layer
from dlcore.layers import Conv1D
from dlcore.regularizers import L2

CASES = [(3, 1, "valid"), (3, 2, "same"), (4, 1, "causal"), (2, 3, "causal"), (5, 2, "same"), (1, 1, "valid")]


def make(seed, k, s, padding, activation="tanh"):
    rng = np.random.default_rng(seed)
    layer = Conv1D(int(rng.integers(1, 4)), k, strides=s, padding=padding, activation=activation)
    x = rng.standard_normal((int(rng.integers(1, 3)), int(rng.integers(k, k + 6)), int(rng.integers(1, 4))))
    layer.forward(x)
    layer.params["bias"] = rng.standard_normal(layer.params["bias"].shape)
    return layer, x


@pytest.mark.parametrize("k, s, padding", CASES)
def test_gradients_match_numerical(k, s, padding):
    layer, x = make(k * 10 + s, k, s, padding)
    errors = check_layer(layer, x)
    assert set(errors) == {"x", "kernel", "bias"} and max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("k, s, padding", CASES)
def test_matches_keras(keras, k, s, padding):
    layer, x = make(k, k, s, padding, activation="sigmoid")
    ref = keras.layers.Conv1D(layer.filters, k, strides=s, padding=padding, activation="sigmoid")
    theirs = keras_layer_output(keras, ref, x, [layer.params["kernel"], layer.params["bias"]])
    assert_close_to_keras(f"Conv1D k={k} s={s} {padding}", layer.forward(x), theirs)
    assert layer.compute_output_shape((None, x.shape[1], x.shape[2])) == (None, *theirs.shape[1:])


def test_causal_output_never_sees_the_future():
    layer = Conv1D(2, 3, padding="causal")
    x = np.random.default_rng(0).standard_normal((1, 8, 2))
    y = layer.forward(x)
    x2 = x.copy()
    x2[:, 5:] += 1.0  # change the future of step 4
    np.testing.assert_array_equal(layer.forward(x2)[:, :5], y[:, :5])


def test_kernel_layout_regularizer_and_errors():
    layer = Conv1D(4, 3, kernel_regularizer=L2(0.1), name="c1")
    layer.forward(np.zeros((2, 6, 5)))
    assert layer.params["kernel"].shape == (3, 5, 4) and layer.params["bias"].shape == (4,)
    assert layer.regularization_loss() == pytest.approx(0.1 * np.sum(layer.params["kernel"] ** 2))
    with pytest.raises(ValueError, match=r"c1.*\(2, 6, 3\)"):
        layer.forward(np.zeros((2, 6, 3)))
    with pytest.raises(ValueError, match=r"c1.*\(2, 2, 5\).*shorter"):
        layer.forward(np.zeros((2, 2, 5)))
    with pytest.raises(ValueError, match="padding"):
        Conv1D(2, 3, padding="full")
