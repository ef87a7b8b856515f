"""Tests of dlcore.layers.workspace: reused scratch buffers, and layers that reuse them across calls."""

import numpy as np

from dlcore.layers.lstm import LSTM
from dlcore.layers.workspace import Workspace


def test_get_reuses_storage_and_grows_only_when_needed():
    ws = Workspace()
    a = ws.get("buf", (4, 5), np.float32)
    b = ws.get("buf", (2, 5), np.float32)  # smaller: a view of the same storage
    assert a.shape == (4, 5) and b.shape == (2, 5)
    assert np.shares_memory(a, b)
    c = ws.get("buf", (8, 5), np.float32)  # larger: new storage
    assert c.shape == (8, 5) and not np.shares_memory(a, c)


def test_get_reallocates_on_a_new_dtype():
    ws = Workspace()
    a = ws.get("buf", (3,), np.float32)
    b = ws.get("buf", (3,), np.float64)
    assert b.dtype == np.float64 and not np.shares_memory(a, b)


def test_get_with_fill_fills_once_and_keeps_exact_shape():
    ws = Workspace()
    a = ws.get("ones", (3,), np.float32, fill=1.0)
    np.testing.assert_array_equal(a, np.ones(3, np.float32))
    assert ws.get("ones", (3,), np.float32, fill=1.0) is a
    assert ws.get("ones", (2,), np.float32, fill=1.0).shape == (2,)


def test_padded_pads_with_the_fill_value_and_copies_the_interior():
    ws = Workspace()
    x = np.arange(4.0).reshape(1, 2, 2, 1)
    p = ws.padded("xp", x, (1, 0, 0, 1), fill=-1.0)
    assert p.shape == (1, 3, 3, 1)
    np.testing.assert_array_equal(p[0, :, :, 0], [[-1, -1, -1], [0, 1, -1], [2, 3, -1]])
    assert ws.padded("xp", x, (0, 0, 0, 0)) is x


def test_lstm_gives_the_same_gradients_after_its_buffers_were_used_by_another_batch():
    rng = np.random.default_rng(0)
    x_small, x_big = rng.standard_normal((3, 5, 4)), rng.standard_normal((7, 6, 4))
    layer = LSTM(3, return_sequences=True)
    out = layer.forward(x_small)
    dout = rng.standard_normal(out.shape)
    dx_first = layer.backward(dout)
    grads_first = {k: v.copy() for k, v in layer.grads.items()}
    big = layer.forward(x_big)  # fills the reused buffers with other numbers
    layer.backward(np.ones_like(big))
    np.testing.assert_array_equal(layer.forward(x_small), out)
    np.testing.assert_array_equal(layer.backward(dout), dx_first)
    for key, grad in grads_first.items():
        np.testing.assert_array_equal(layer.grads[key], grad)
