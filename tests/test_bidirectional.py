"""Tests of ``Bidirectional``: merge modes, weights layout, gradients, padding mask, Keras' outputs."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output
from test_recurrent_options import KERAS_RNN_ATOL, gradient_errors

from dlcore.gradcheck import check_layer, numerical_gradient, rel_error
from dlcore.layers import GRU, LSTM, Bidirectional, SimpleRNN
from dlcore.random import set_seed

WEIGHTS = ("kernel", "recurrent_kernel", "bias")


def make(layer_cls, merge_mode, return_sequences, seed=0):
    set_seed(seed)
    rng = np.random.default_rng(seed)
    layer = Bidirectional(layer_cls(3, return_sequences=return_sequences), merge_mode=merge_mode)
    x = rng.standard_normal((2, 4, 2))
    layer.build((None, 4, 2), dtype=np.float64)
    for key in [k for k in layer.params if k.endswith("bias")]:
        layer.params[key] = rng.standard_normal(layer.params[key].shape)
    return layer, x


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU], ids=lambda c: c.__name__)
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_gradients_match_numerical(layer_cls, merge_mode, return_sequences):
    layer, x = make(layer_cls, merge_mode, return_sequences)
    errors = check_layer(layer, x)
    assert len(errors) == 7 and max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU], ids=lambda c: c.__name__)
@pytest.mark.parametrize("merge_mode, return_sequences", [("concat", False), ("concat", True), ("sum", True),
                                                          ("mul", False), ("ave", True)])
def test_matches_keras(keras, layer_cls, merge_mode, return_sequences):
    layer, x = make(layer_cls, merge_mode, return_sequences)
    ref = keras.layers.Bidirectional(getattr(keras.layers, layer_cls.__name__)(3, return_sequences=return_sequences),
                                     merge_mode=merge_mode)
    weights = [layer.params[f"{side}_{k}"] for side in ("forward", "backward") for k in WEIGHTS]
    mask = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], dtype=bool)
    for m in (None, mask):
        theirs = keras_layer_output(keras, ref, x, weights, mask=m)
        name = f"Bidirectional({layer_cls.__name__}) {merge_mode} seq={return_sequences} mask={m is not None}"
        assert_close_to_keras(name, layer.forward(x, mask=m), theirs, KERAS_RNN_ATOL)
    assert layer.compute_output_shape((None, 4, 2)) == (None, *theirs.shape[1:])
    errors = gradient_errors(layer, x, lambda v: layer.forward(v, mask=mask), np.ones(theirs.shape))
    assert max(errors.values()) < 1e-6, errors


def test_layout_custom_backward_layer_and_errors():
    layer = Bidirectional(LSTM(4, return_sequences=True), backward_layer=LSTM(4, return_sequences=True))
    y = layer.forward(np.zeros((2, 5, 3)))
    assert y.shape == (2, 5, 8) and layer.count_params() == 2 * 4 * 4 * (3 + 4 + 1)
    assert list(layer.params)[:3] == ["forward_kernel", "forward_recurrent_kernel", "forward_bias"]
    with pytest.raises(ValueError, match="merge_mode"):
        Bidirectional(LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="return_sequences"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2, return_sequences=True))
    with pytest.raises(ValueError, match=r"\(2, 5\)"):
        Bidirectional(GRU(2)).forward(np.zeros((2, 5)))


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU], ids=lambda c: c.__name__)
def test_wrapped_layer_options_use_bias_and_regularizers(layer_cls):
    from dlcore.regularizers import L2
    rng = np.random.default_rng(5)
    layer = Bidirectional(layer_cls(3, use_bias=False, kernel_regularizer=L2(0.1), recurrent_regularizer="l1",
                                    return_sequences=True))
    assert layer.regularization_loss() == 0.0  # not built yet
    layer.build((None, 4, 2), dtype=np.float64)
    assert list(layer.params) == ["forward_kernel", "forward_recurrent_kernel",
                                  "backward_kernel", "backward_recurrent_kernel"]
    for key, w in layer.params.items():  # new arrays in params (as an optimizer may put there), no forward yet
        layer.params[key] = rng.standard_normal(w.shape)
    p = layer.params
    expected = sum(0.1 * np.sum(p[f"{side}_kernel"] ** 2) + 0.01 * np.sum(np.abs(p[f"{side}_recurrent_kernel"]))
                   for side in ("forward", "backward"))
    assert layer.regularization_loss() == pytest.approx(expected, rel=1e-12)
    x, dout = rng.standard_normal((2, 4, 2)), rng.standard_normal((2, 4, 6))

    def loss():  # the data term plus both layers' penalties, as fit minimises it
        return float(np.sum(layer.forward(x) * dout)) + layer.regularization_loss()

    loss()
    layer.backward(dout)
    for key, w in layer.params.items():
        assert rel_error(layer.grads[key].copy(), numerical_gradient(loss, w)) < 1e-6, key
