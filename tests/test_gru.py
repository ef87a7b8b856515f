"""Tests for ``dlcore.layers.gru.GRU`` (reset_after=True): Keras parameter layout and initialisation.

Gradients, the Keras equations (against ``step`` below), torch, shapes, errors and dtypes: tests/test_recurrent.py.
"""

import numpy as np

from dlcore.layers.gru import GRU
from dlcore.random import set_seed


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def step(x_t, h, c, kernel, rec, bias):
    """One plain step of the Keras GRUCell (reset_after=True, gate blocks z, r, h): ``(h_t, c)``; no cell state."""
    n = rec.shape[0]
    mx = x_t @ kernel + bias[0]
    mh = h @ rec + bias[1]
    z = sigmoid(mx[:, :n] + mh[:, :n])
    r = sigmoid(mx[:, n:2 * n] + mh[:, n:2 * n])
    hh = np.tanh(mx[:, 2 * n:] + r * mh[:, 2 * n:])
    return z * h + (1 - z) * hh, c


def test_parameter_layout_and_keras_init():
    set_seed(0)
    layer = GRU(5)
    layer.build((None, 7, 3))
    p = layer.params
    assert p["kernel"].shape == (3, 15) and p["recurrent_kernel"].shape == (5, 15) and p["bias"].shape == (2, 15)
    assert all(v.dtype == np.float32 for v in p.values())
    np.testing.assert_array_equal(p["bias"], 0.0)
    u = p["recurrent_kernel"].astype(np.float64)
    np.testing.assert_allclose(u @ u.T, np.eye(5), atol=1e-5)  # orthogonal rows
    assert np.abs(p["kernel"]).max() <= np.sqrt(6 / (3 + 15))  # glorot uniform limit
    assert layer.count_params() == 3 * (5 * (3 + 5) + 2 * 5)  # what Keras' summary prints (reset_after=True)
