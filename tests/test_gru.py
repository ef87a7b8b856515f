"""Tests for ``dlcore.layers.gru.GRU``: Keras parameter layout and initialisation, and ``reset_after=False``.

For the default ``reset_after=True``: gradients, the Keras equations (against ``step`` below), torch, shapes,
errors and dtypes are in tests/test_recurrent.py, the options in tests/test_recurrent_options.py.
``reset_after=False`` (torch has no such GRU, so Keras is its reference) is tested here: against its
equations (``step_reset_before``), numerical gradients with every option, and Keras' outputs and gradients.
"""

import numpy as np
import pytest
from test_recurrent_options import KERAS_RNN_ATOL, gradient_errors, random_layer

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



@pytest.mark.parametrize("reset_after, bias_shape", [(True, (2, 15)), (False, (15,))])
def test_bias_initializer_gets_the_whole_bias_and_use_bias_false_drops_it(reset_after, bias_shape):
    layer = GRU(5, reset_after=reset_after, bias_initializer="ones")
    layer.build((None, 7, 3))
    np.testing.assert_array_equal(layer.params["bias"], np.ones(bias_shape))
    no_bias = GRU(5, reset_after=reset_after, use_bias=False)
    no_bias.build((None, 7, 3))
    assert list(no_bias.params) == ["kernel", "recurrent_kernel"]
    assert no_bias.count_params() == 3 * 5 * (3 + 5)  # Keras' summary without the bias

# ----- reset_after=False ---------------------------------------------------------------------------
def step_reset_before(x_t, h, kernel, rec, bias):
    """One plain step of the Keras GRUCell with ``reset_after=False``: the reset gate scales ``h`` before ``U_h``."""
    n = rec.shape[0]
    mx = x_t @ kernel + bias
    z = sigmoid(mx[:, :n] + h @ rec[:, :n])
    r = sigmoid(mx[:, n:2 * n] + h @ rec[:, n:2 * n])
    hh = np.tanh(mx[:, 2 * n:] + (r * h) @ rec[:, 2 * n:])
    return z * h + (1 - z) * hh


def reset_before_layer(seed, **options):
    return random_layer(GRU, seed, reset_after=False, **options)


def test_reset_before_layout_and_equations():
    set_seed(0)
    layer = GRU(4, reset_after=False)
    layer.build((None, 5, 3))
    assert [w.shape for w in layer.get_weights()] == [(3, 12), (4, 12), (12,)]  # Keras' shapes and order
    assert layer.count_params() == 3 * (4 * (3 + 4) + 4)
    layer, x, _ = reset_before_layer(1, return_sequences=True)
    kernel, rec, bias = (layer.params[k] for k in ("kernel", "recurrent_kernel", "bias"))
    h, hs = np.zeros((x.shape[0], layer.units)), []
    for t in range(x.shape[1]):
        h = step_reset_before(x[:, t], h, kernel, rec, bias)
        hs.append(h)
    np.testing.assert_allclose(layer.forward(x), np.stack(hs, axis=1), rtol=1e-12, atol=1e-12)
    # reset_after=True differs as soon as the state is not zero (step 2 on)
    other = GRU(layer.units, reset_after=True, return_sequences=True)
    other.build((None, *x.shape[1:]), dtype=np.float64)
    other.params.update(kernel=kernel, recurrent_kernel=rec, bias=np.stack([bias, np.zeros_like(bias)]))
    assert not np.allclose(other.forward(x)[:, 1:], layer.forward(x)[:, 1:])


OPTIONS = {
    "last": {},
    "seq": {"return_sequences": True},
    "backwards": {"go_backwards": True},
    "backwards-seq": {"go_backwards": True, "return_sequences": True},
    "linear-sigmoid": {"activation": "linear", "recurrent_activation": "sigmoid", "return_sequences": True},
    "sigmoid-tanh": {"activation": "sigmoid", "recurrent_activation": "tanh"},
}


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
@pytest.mark.parametrize("seed", range(3))
def test_reset_before_gradients(seed, options):
    layer, x, rng = reset_before_layer(seed, **options)
    out = layer.forward(x)
    errors = gradient_errors(layer, x, layer.forward, rng.standard_normal(out.shape))
    assert set(errors) == {"x", "kernel", "recurrent_kernel", "bias"} and max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("return_sequences", [False, True])
def test_reset_before_mask_and_return_state_gradients(return_sequences):
    layer, x, rng = reset_before_layer(8, return_sequences=return_sequences, return_state=True)
    mask = rng.random(x.shape[:2]) > 0.4
    mask[:, 0] = True
    outs = layer.forward(x, mask=mask)
    np.testing.assert_array_equal(outs[1], layer.states[:, -1])
    douts = [rng.standard_normal(o.shape) for o in outs]
    errors = gradient_errors(layer, x, lambda v: layer.forward(v, mask=mask), douts)
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("dropout, recurrent_dropout", [(0.4, 0.0), (0.0, 0.5), (0.3, 0.3)])
def test_reset_before_dropout_gradients_and_wiring(dropout, recurrent_dropout):
    layer, x, rng = reset_before_layer(11, dropout=dropout, recurrent_dropout=recurrent_dropout,
                                       return_sequences=True)
    reference = layer.forward(x)
    out = layer.forward(x, training=True)
    assert not np.allclose(out, reference)  # something was dropped
    layer.dropout_masks.freeze()
    errors = gradient_errors(layer, x, lambda v: layer.forward(v, training=True), rng.standard_normal(out.shape))
    assert max(errors.values()) < 1e-7, errors
    masks = layer.dropout_masks
    for m in (masks.inputs, masks.recurrent):
        if m is not None:
            m[...] = 1.0  # keep everything: the inference output
    np.testing.assert_allclose(layer.forward(x, training=True), reference, atol=1e-14)


@pytest.mark.parametrize("options", [OPTIONS["last"], OPTIONS["backwards-seq"], OPTIONS["sigmoid-tanh"]],
                         ids=["last", "backwards-seq", "sigmoid-tanh"])
@pytest.mark.parametrize("masked", [False, True], ids=["no-mask", "mask"])
def test_reset_before_matches_keras_forward_and_backward(options, masked):
    kr = pytest.importorskip("keras_parity_helpers", reason="Keras 3 (a reference only: pip install keras==3.15.1 "
                                                            "torch==2.13.0) could not be set up on the torch backend")
    layer, x, rng = reset_before_layer(9, **options)
    mask = np.ones(x.shape[:2], dtype=bool)
    mask[0, -2:] = False  # padding at the end of the first sample
    mask = mask if masked else None
    ref = kr.keras.layers.GRU(layer.units, reset_after=False, **options)
    ref.build((None, *x.shape[1:]))
    assert [tuple(w.shape) for w in ref.weights] == [w.shape for w in layer.get_weights()]
    ref.set_weights(layer.get_weights())
    dout = rng.standard_normal(layer.forward(x, mask=mask).shape)
    call_kwargs = None if mask is None else {"mask": kr.tensor(mask)}
    out, (dx,), grads = kr.layer_forward_backward(ref, x, dout, call_kwargs=call_kwargs)
    np.testing.assert_allclose(layer.forward(x, mask=mask), out, rtol=0, atol=KERAS_RNN_ATOL)
    np.testing.assert_allclose(layer.backward(dout), dx, rtol=0, atol=KERAS_RNN_ATOL)
    for v in ref.weights:
        np.testing.assert_allclose(layer.grads[v.path.split("/")[-1]], grads[v.path], rtol=0, atol=KERAS_RNN_ATOL,
                                   err_msg=v.path)


def test_reset_after_must_be_a_bool():
    with pytest.raises(ValueError, match=r"reset_after must be True .* or False.*'no'"):
        GRU(3, reset_after="no")
    assert GRU(3, reset_after=False).get_config()["reset_after"] is False
