"""Tests for ``dlcore.layers.lstm.LSTM``: Keras parameter layout and initialisation.

Gradients, the Keras equations (against ``step`` below), torch, shapes, errors and dtypes: tests/test_recurrent.py.
"""

import numpy as np

from dlcore.layers.lstm import LSTM
from dlcore.random import set_seed


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def step(x_t, h, c, kernel, rec, bias):
    """One plain step of the Keras LSTM (gate blocks i, f, c, o): ``(h_t, c_t)``."""
    n = rec.shape[0]
    z = x_t @ kernel + h @ rec + bias
    i, f, g, o = sigmoid(z[:, :n]), sigmoid(z[:, n:2 * n]), np.tanh(z[:, 2 * n:3 * n]), sigmoid(z[:, 3 * n:])
    c = f * c + i * g
    return o * np.tanh(c), c


def test_parameter_layout_and_keras_init():
    set_seed(0)
    layer = LSTM(5)
    layer.build((None, 7, 3))
    p = layer.params
    assert p["kernel"].shape == (3, 20) and p["recurrent_kernel"].shape == (5, 20) and p["bias"].shape == (20,)
    assert all(v.dtype == np.float32 for v in p.values())
    np.testing.assert_array_equal(p["bias"], np.r_[np.zeros(5), np.ones(5), np.zeros(10)])  # unit_forget_bias
    u = p["recurrent_kernel"].astype(np.float64)
    np.testing.assert_allclose(u @ u.T, np.eye(5), atol=1e-5)  # orthogonal rows
    assert np.abs(p["kernel"]).max() <= np.sqrt(6 / (3 + 20))  # glorot uniform limit
    assert layer.count_params() == 4 * (5 * (3 + 5) + 5)  # what Keras' summary prints


def test_backward_in_chunks_of_steps_gives_the_same_gradients():
    """The backward pass prepares its derivatives chunk by chunk: one step per chunk must match one chunk."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 7, 2))
    mask = np.ones((3, 7), bool)
    mask[1, 4:] = mask[2, :2] = False  # padding at the end and at the start
    for kwargs in ({}, {"return_sequences": True}, {"return_state": True}, {"activation": "relu"}):
        results = []
        for chunk_floats in (LSTM.chunk_floats, 1):  # all 7 steps in one chunk, then one step per chunk
            set_seed(0)
            layer = LSTM(4, **kwargs)
            layer.build((None, 7, 2), dtype=np.float64)
            layer.chunk_floats = chunk_floats
            out = layer.forward(x, mask=mask)
            draw = np.random.default_rng(1).standard_normal  # the same output gradients in both runs
            douts = [draw(o.shape) for o in out] if isinstance(out, list) else draw(out.shape)
            results.append((layer.backward(douts), dict(layer.grads)))
        (dx_one, grads_one), (dx_steps, grads_steps) = results
        np.testing.assert_allclose(dx_steps, dx_one, rtol=1e-12, atol=1e-12)
        for name in grads_one:
            np.testing.assert_allclose(grads_steps[name], grads_one[name], rtol=1e-12, atol=1e-12)


def test_unit_forget_bias_and_bias_initializer():
    from dlcore.initializers import Constant
    blocks = {}  # the bias's four blocks i, f, c, o for each setting
    for forget, init in ((True, Constant(0.3)), (False, Constant(0.3)), (True, "ones"), (False, "zeros")):
        layer = LSTM(2, unit_forget_bias=forget, bias_initializer=init)
        layer.build((None, 3, 1), dtype=np.float64)
        blocks[forget, str(init)] = layer.params["bias"].reshape(4, 2)[:, 0].tolist()
    assert blocks[True, str(Constant(0.3))] == [0.3, 1.0, 0.3, 0.3]  # Keras: the forget block starts at 1
    assert blocks[False, str(Constant(0.3))] == [0.3] * 4  # the bias initializer alone
    assert blocks[True, "ones"] == [1.0] * 4
    assert blocks[False, "zeros"] == [0.0] * 4
    assert LSTM(2).unit_forget_bias is True and LSTM(2).get_config()["unit_forget_bias"] is True


def test_use_bias_false_counts_and_chunked_backward():
    layer = LSTM(5, use_bias=False)
    layer.build((None, 7, 3))
    assert layer.count_params() == 4 * 5 * (3 + 5) and "bias" not in layer.params
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 7, 3)).astype(np.float32)
    out = layer.forward(x)
    dx = layer.backward(np.ones_like(out))
    assert dx.shape == x.shape and set(layer.grads) == {"kernel", "recurrent_kernel"}
