"""Tests for ``dlcore.layers.recurrent.Recurrent``, through ``SimpleRNN``, ``LSTM`` and ``GRU`` alike.

What the base class does for all three: input checks and error messages, output shapes, dtypes, the
time loop and backpropagation through time (against numerical gradients, against each layer's plain
equations, the ``step`` of its own test module, and against torch), ``state_grads``, and leaving
``dout`` untouched. What only one layer has (parameter layout and initialisation, SimpleRNN's other
activations) is tested in ``test_simple_rnn.py``, ``test_lstm.py`` and ``test_gru.py``.
"""

import numpy as np
import pytest
import test_gru
import test_lstm
import test_simple_rnn

from dlcore.gradcheck import check_layer, numerical_gradient, rel_error
from dlcore.layers.gru import GRU
from dlcore.layers.lstm import LSTM
from dlcore.layers.simple_rnn import SimpleRNN
from dlcore.random import set_seed

LAYERS = [SimpleRNN, LSTM, GRU]
STEPS = {SimpleRNN: test_simple_rnn.step, LSTM: test_lstm.step, GRU: test_gru.step}
# count_params() of a layer with 4 units on 3 features: kernel, recurrent kernel and bias of every gate block
PARAMS_4_UNITS_3_FEATURES = {SimpleRNN: 4 * (3 + 4) + 4, LSTM: 4 * (4 * (3 + 4) + 4), GRU: 3 * (4 * (3 + 4) + 2 * 4)}

each_layer = pytest.mark.parametrize("layer_cls", LAYERS, ids=lambda cls: cls.__name__)


@pytest.fixture(autouse=True)
def _seed():
    set_seed(0)


def reference(layer_cls, x, kernel, rec, bias, bump=None):
    """The layer's plain equations (``STEPS``) unrolled from zero states, ``(batch, time, units)``.

    ``bump=(k, eps)`` adds ``eps`` to ``h_k`` (to measure dL/dh_k).
    """
    h = np.zeros((x.shape[0], rec.shape[0]))
    c = np.zeros_like(h)  # the LSTM's cell state; the other steps pass it through
    hs = []
    for t in range(x.shape[1]):
        h, c = STEPS[layer_cls](x[:, t], h, c, kernel, rec, bias)
        if bump is not None and bump[0] == t:
            h = h + bump[1]
        hs.append(h)
    return np.stack(hs, axis=1)


def random_case(layer_cls, seed, return_sequences):
    """A float64 layer with random shapes (batch 1-3, time 1-6, features 1-4, units 1-5), random bias, and an input."""
    rng = np.random.default_rng(seed)
    batch, time, feats, units = rng.integers(1, 4), rng.integers(1, 7), rng.integers(1, 5), rng.integers(1, 6)
    layer = layer_cls(int(units), return_sequences=return_sequences)
    layer.build((None, time, feats), dtype=np.float64)
    layer.params["bias"] = rng.standard_normal(layer.params["bias"].shape)
    return layer, rng.standard_normal((batch, time, feats))


@each_layer
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_gradients_match_numerical(layer_cls, seed, return_sequences):
    layer, x = random_case(layer_cls, seed, return_sequences)
    errors = check_layer(layer, x)
    assert set(errors) == {"x", "kernel", "recurrent_kernel", "bias"}
    assert max(errors.values()) < 1e-6, errors


@each_layer
@pytest.mark.parametrize("return_sequences", [False, True])
def test_forward_matches_keras_equations(layer_cls, return_sequences):
    layer, x = random_case(layer_cls, 7, return_sequences)
    hs = reference(layer_cls, x, layer.params["kernel"], layer.params["recurrent_kernel"], layer.params["bias"])
    out = layer.forward(x)
    np.testing.assert_allclose(out, hs if return_sequences else hs[:, -1], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.states, hs, rtol=1e-12, atol=1e-12)


@each_layer
@pytest.mark.parametrize("return_sequences", [False, True])
def test_state_grads_are_dloss_dh(layer_cls, return_sequences):
    layer, x = random_case(layer_cls, 3, return_sequences)
    kernel, rec, bias = (layer.params[k] for k in ("kernel", "recurrent_kernel", "bias"))
    out = layer.forward(x)
    r = np.random.default_rng(1).standard_normal(out.shape)
    layer.backward(r)
    assert layer.state_grads.shape == layer.states.shape
    for k in range(x.shape[1]):
        eps = np.zeros((x.shape[0], layer.units))

        def loss(k=k, eps=eps):
            hs = reference(layer_cls, x, kernel, rec, bias, bump=(k, eps))
            return np.sum((hs if return_sequences else hs[:, -1]) * r)

        assert rel_error(layer.state_grads[:, k], numerical_gradient(loss, eps)) < 1e-6


def torch_twin(torch, layer):
    """torch's ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (batch first, float64) holding ``layer``'s parameters.

    Returns it and ``order``, the column permutation from Keras' gate blocks to torch's: LSTM's Keras
    i, f, c, o are torch's i, f, g, o; GRU's Keras z, r, h are torch's r, z, n. SimpleRNN and LSTM have
    one bias and torch's two add up, so ours goes in ``bias_ih`` and ``bias_hh`` is zero; GRU's two bias
    rows are torch's two biases (torch's n = tanh(W_in x + b_in + r * (W_hn h + b_hn)) is Keras'
    reset_after=True).
    """
    n_in, n = layer.params["kernel"].shape[0], layer.units
    if isinstance(layer, GRU):
        ref, order = torch.nn.GRU(n_in, n, batch_first=True), np.r_[n:2 * n, 0:n, 2 * n:3 * n]
    elif isinstance(layer, LSTM):
        ref, order = torch.nn.LSTM(n_in, n, batch_first=True), np.arange(4 * n)
    else:
        ref, order = torch.nn.RNN(n_in, n, nonlinearity="tanh", batch_first=True), np.arange(n)
    ref = ref.double()
    p = {k: v[..., order] for k, v in layer.params.items()}
    with torch.no_grad():
        ref.weight_ih_l0.copy_(torch.tensor(p["kernel"].T))
        ref.weight_hh_l0.copy_(torch.tensor(p["recurrent_kernel"].T))
        if p["bias"].ndim == 2:
            ref.bias_ih_l0.copy_(torch.tensor(p["bias"][0]))
            ref.bias_hh_l0.copy_(torch.tensor(p["bias"][1]))
        else:
            ref.bias_ih_l0.copy_(torch.tensor(p["bias"]))
            ref.bias_hh_l0.zero_()
    return ref, order


@each_layer
def test_matches_torch_forward_and_gradients(layer_cls):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for return_sequences in (False, True):
        layer = layer_cls(4, return_sequences=return_sequences)
        x = rng.standard_normal((3, 6, 2))
        layer.build((None, 6, 2), dtype=np.float64)
        layer.params["bias"] = rng.standard_normal(layer.params["bias"].shape)
        ref, order = torch_twin(torch, layer)
        xt = torch.tensor(x, requires_grad=True)
        seq, _ = ref(xt)
        y = seq if return_sequences else seq[:, -1]
        r = rng.standard_normal(tuple(y.shape))
        (y * torch.tensor(r)).sum().backward()
        out = layer.forward(x)
        dx = layer.backward(r)
        np.testing.assert_allclose(out, y.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(dx, xt.grad.numpy(), atol=1e-12)
        grads = {k: v[..., order] for k, v in layer.grads.items()}
        np.testing.assert_allclose(grads["kernel"], ref.weight_ih_l0.grad.numpy().T, atol=1e-12)
        np.testing.assert_allclose(grads["recurrent_kernel"], ref.weight_hh_l0.grad.numpy().T, atol=1e-12)
        if grads["bias"].ndim == 2:
            np.testing.assert_allclose(grads["bias"][0], ref.bias_ih_l0.grad.numpy(), atol=1e-12)
            np.testing.assert_allclose(grads["bias"][1], ref.bias_hh_l0.grad.numpy(), atol=1e-12)
        else:
            np.testing.assert_allclose(grads["bias"], ref.bias_ih_l0.grad.numpy(), atol=1e-12)


@each_layer
@pytest.mark.parametrize("return_sequences, expected", [(False, (None, 4)), (True, (None, 9, 4))])
def test_output_shapes_before_and_after_data(layer_cls, return_sequences, expected):
    layer = layer_cls(4, return_sequences=return_sequences, input_shape=(9, 3))
    assert layer.compute_output_shape((None, 9, 3)) == expected
    layer.build((None, 9, 3))  # what Sequential.summary() does before any data
    assert layer.count_params() == PARAMS_4_UNITS_3_FEATURES[layer_cls]
    out = layer.forward(np.zeros((2, 9, 3), dtype=np.float32))
    assert out.shape == (2, *expected[1:])


@each_layer
def test_variable_length_declared_input_shape(layer_cls):
    layer = layer_cls(3, return_sequences=True, input_shape=(None, 2), name="var")
    assert layer.compute_output_shape((None, None, 2)) == (None, None, 3)
    assert layer.forward(np.zeros((1, 4, 2))).shape == (1, 4, 3)
    assert layer.forward(np.zeros((2, 7, 2))).shape == (2, 7, 3)
    with pytest.raises(ValueError, match=r"var.*\(2, 7, 3\)"):
        layer.forward(np.zeros((2, 7, 3)))


@each_layer
def test_2d_input_raises_with_time_axis_hint(layer_cls):
    layer = layer_cls(3, name="enc")
    with pytest.raises(ValueError, match=r"enc.*\(4, 5\).*\(batch, time, features\).*time axis"):
        layer.forward(np.zeros((4, 5)))


@each_layer
def test_wrong_feature_count_and_declared_shape_raise(layer_cls):
    layer = layer_cls(3, name="enc")
    layer.forward(np.zeros((2, 4, 5)))
    with pytest.raises(ValueError, match=r"enc.*\(2, 4, 6\).*\(batch, time, 5\)"):
        layer.forward(np.zeros((2, 4, 6)))
    declared = layer_cls(3, input_shape=(4, 5), name="dec")
    with pytest.raises(ValueError, match=r"dec.*\(2, 4, 6\)"):
        declared.forward(np.zeros((2, 4, 6)))


@each_layer
def test_bad_units_and_bad_dout_raise(layer_cls):
    with pytest.raises(ValueError, match="units"):
        layer_cls(0)
    layer = layer_cls(3, name="enc")
    layer.forward(np.zeros((2, 4, 5)))
    with pytest.raises(ValueError, match=r"enc.*\(2, 4, 3\).*\(2, 3\)"):
        layer.backward(np.zeros((2, 4, 3)))


@each_layer
@pytest.mark.parametrize("return_sequences", [False, True])
def test_backward_leaves_dout_and_outputs_untouched(layer_cls, return_sequences):
    layer, x = random_case(layer_cls, 2, return_sequences)
    out = layer.forward(x)
    out_copy = out.copy()
    dout = np.random.default_rng(0).standard_normal(out.shape)
    dout_copy = dout.copy()
    layer.backward(dout)
    np.testing.assert_array_equal(dout, dout_copy)
    np.testing.assert_array_equal(out, out_copy)


@each_layer
def test_float32_in_float32_out_and_deterministic(layer_cls):
    layer = layer_cls(6, return_sequences=True)
    x = np.random.default_rng(0).standard_normal((2, 5, 3)).astype(np.float32)
    out = layer.forward(x, training=False)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, layer.forward(x, training=False))
    np.testing.assert_array_equal(out, layer.forward(x, training=True))  # no dropout: same in both modes
    dx = layer.backward(np.ones_like(out))
    assert dx.dtype == np.float32 and all(g.dtype == np.float32 for g in layer.grads.values())


@each_layer
def test_replacing_params_takes_effect(layer_cls):
    layer = layer_cls(3)
    x = np.random.default_rng(0).standard_normal((2, 4, 5))
    assert np.abs(layer.forward(x)).max() > 0
    for key in layer.params:
        layer.params[key] = np.zeros_like(layer.params[key])
    # h_0 = 0, and with zero weights every step's tanh (SimpleRNN's output, the LSTM's and GRU's candidate) is
    # tanh(0) = 0: the LSTM's cell stays 0, the GRU mixes 0 with h_{t-1} = 0, so every h_t = 0
    np.testing.assert_array_equal(layer.forward(x), 0.0)
