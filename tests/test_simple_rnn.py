"""Tests for ``dlcore.layers.simple_rnn.SimpleRNN``: layout and initialisation, other activations, vanishing gradients.

Gradients, the equations (against ``step`` below), torch, shapes, errors and dtypes: tests/test_recurrent.py.
"""

import numpy as np
import pytest

from dlcore.gradcheck import check_layer
from dlcore.layers.simple_rnn import SimpleRNN
from dlcore.random import set_seed


@pytest.fixture(autouse=True)
def _seed():
    set_seed(0)


def step(x_t, h, c, kernel, rec, bias):
    """One plain step of the tanh RNN: ``(h_t, c)``; there is no cell state, ``c`` passes through."""
    return np.tanh(x_t @ kernel + h @ rec + bias), c


def test_parameter_layout_and_keras_init():
    layer = SimpleRNN(5)
    layer.build((None, 7, 3))
    p = layer.params
    assert p["kernel"].shape == (3, 5) and p["recurrent_kernel"].shape == (5, 5) and p["bias"].shape == (5,)
    assert all(v.dtype == np.float32 for v in p.values())
    np.testing.assert_array_equal(p["bias"], 0.0)
    u = p["recurrent_kernel"].astype(np.float64)
    np.testing.assert_allclose(u @ u.T, np.eye(5), atol=1e-5)  # orthogonal
    assert layer.count_params() == 5 * (3 + 5) + 5


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "leaky_relu", None, "softmax"])
def test_other_activations_gradients(activation):
    layer = SimpleRNN(3, activation=activation, return_sequences=True)
    x = np.random.default_rng(4).standard_normal((2, 4, 3))
    layer.build((None, 4, 3), dtype=np.float64)
    layer.params["bias"] = np.array([0.3, -0.2, 0.1])  # continuous inputs: no pre-activation lands on relu's kink
    assert max(check_layer(layer, x).values()) < 1e-6



def test_initializers_and_use_bias():
    from dlcore.initializers import Constant, he_uniform
    layer = SimpleRNN(5, kernel_initializer=he_uniform, recurrent_initializer="zeros",
                      bias_initializer=Constant(0.5))
    layer.build((None, 7, 3))
    assert np.abs(layer.params["kernel"]).max() <= np.sqrt(6 / 3)  # he uniform: limit sqrt(6 / fan_in)
    np.testing.assert_array_equal(layer.params["recurrent_kernel"], 0.0)
    np.testing.assert_array_equal(layer.params["bias"], 0.5)
    no_bias = SimpleRNN(5, use_bias=False)
    no_bias.build((None, 7, 3))
    assert no_bias.count_params() == 5 * (3 + 5) and len(no_bias.get_weights()) == 2

def test_unknown_activation_fails_at_construction():
    with pytest.raises(ValueError, match="unknown activation"):
        SimpleRNN(3, activation="tanhh")


def test_gradient_norm_decays_away_from_the_loss():
    """Chapter 11's demonstration: with small recurrent weights ||dL/dh_t|| shrinks geometrically as t moves back."""
    layer = SimpleRNN(8)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 20, 3))
    layer.build((None, 20, 3), dtype=np.float64)
    layer.params["recurrent_kernel"] = 0.3 * layer.params["recurrent_kernel"]  # orthogonal * 0.3: spectral norm 0.3
    out = layer.forward(x)
    layer.backward(rng.standard_normal(out.shape))
    norms = np.linalg.norm(layer.state_grads, axis=(0, 2))  # (time,)
    assert norms.shape == (20,)
    assert np.all(np.diff(norms) > 0)  # strictly growing towards the last step
    assert norms[0] < 0.3 ** 19 * norms[-1]  # |tanh'| <= 1, so each step back multiplies by at most 0.3
