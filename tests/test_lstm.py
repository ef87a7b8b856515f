"""Tests for ``dlcore.layers.lstm.LSTM``: gradients, Keras equations and layout, torch agreement, shapes, errors."""

import numpy as np
import pytest

from dlcore.gradcheck import check_layer, numerical_gradient, rel_error
from dlcore.layers.lstm import LSTM
from dlcore.random import set_seed


@pytest.fixture(autouse=True)
def _seed():
    set_seed(0)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def reference(x, kernel, rec, bias, bump=None):
    """Plain per-step Keras LSTM; ``bump=(k, eps)`` adds ``eps`` to ``h_k`` (to measure dL/dh_k)."""
    n = rec.shape[0]
    h = np.zeros((x.shape[0], n))
    c = np.zeros_like(h)
    hs = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ rec + bias
        i, f, g, o = sigmoid(z[:, :n]), sigmoid(z[:, n:2 * n]), np.tanh(z[:, 2 * n:3 * n]), sigmoid(z[:, 3 * n:])
        c = f * c + i * g
        h = o * np.tanh(c)
        if bump is not None and bump[0] == t:
            h = h + bump[1]
        hs.append(h)
    return np.stack(hs, axis=1)


def random_case(seed, return_sequences):
    """A float64 LSTM with random shapes (batch 1-3, time 1-6, features 1-4, units 1-5), random bias, and an input."""
    rng = np.random.default_rng(seed)
    batch, time, feats, units = rng.integers(1, 4), rng.integers(1, 7), rng.integers(1, 5), rng.integers(1, 6)
    layer = LSTM(int(units), return_sequences=return_sequences)
    layer.build((None, time, feats), dtype=np.float64)
    layer.params["bias"] = rng.standard_normal(4 * units)
    return layer, rng.standard_normal((batch, time, feats))


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_gradients_match_numerical(seed, return_sequences):
    layer, x = random_case(seed, return_sequences)
    errors = check_layer(layer, x)
    assert set(errors) == {"x", "kernel", "recurrent_kernel", "bias"}
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("return_sequences", [False, True])
def test_forward_matches_keras_equations(return_sequences):
    layer, x = random_case(7, return_sequences)
    hs = reference(x, layer.params["kernel"], layer.params["recurrent_kernel"], layer.params["bias"])
    out = layer.forward(x)
    np.testing.assert_allclose(out, hs if return_sequences else hs[:, -1], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.states, hs, rtol=1e-12, atol=1e-12)


def test_parameter_layout_and_keras_init():
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


@pytest.mark.parametrize("return_sequences", [False, True])
def test_state_grads_are_dloss_dh(return_sequences):
    layer, x = random_case(3, return_sequences)
    kernel, rec, bias = (layer.params[k] for k in ("kernel", "recurrent_kernel", "bias"))
    out = layer.forward(x)
    r = np.random.default_rng(1).standard_normal(out.shape)
    layer.backward(r)
    assert layer.state_grads.shape == layer.states.shape
    for k in range(x.shape[1]):
        eps = np.zeros((x.shape[0], layer.units))

        def loss(k=k, eps=eps):
            hs = reference(x, kernel, rec, bias, bump=(k, eps))
            return np.sum((hs if return_sequences else hs[:, -1]) * r)

        assert rel_error(layer.state_grads[:, k], numerical_gradient(loss, eps)) < 1e-6


def test_matches_torch_forward_and_gradients():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for return_sequences in (False, True):
        layer = LSTM(4, return_sequences=return_sequences)
        x = rng.standard_normal((3, 6, 2))
        layer.build((None, 6, 2), dtype=np.float64)
        layer.params["bias"] = rng.standard_normal(16)
        ref = torch.nn.LSTM(2, 4, batch_first=True).double()
        with torch.no_grad():  # Keras i, f, c, o == torch i, f, g, o; torch's two biases add up
            ref.weight_ih_l0.copy_(torch.tensor(layer.params["kernel"].T))
            ref.weight_hh_l0.copy_(torch.tensor(layer.params["recurrent_kernel"].T))
            ref.bias_ih_l0.copy_(torch.tensor(layer.params["bias"]))
            ref.bias_hh_l0.zero_()
        xt = torch.tensor(x, requires_grad=True)
        seq, _ = ref(xt)
        y = seq if return_sequences else seq[:, -1]
        r = rng.standard_normal(tuple(y.shape))
        (y * torch.tensor(r)).sum().backward()
        out = layer.forward(x)
        dx = layer.backward(r)
        np.testing.assert_allclose(out, y.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(dx, xt.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(layer.grads["kernel"], ref.weight_ih_l0.grad.numpy().T, atol=1e-12)
        np.testing.assert_allclose(layer.grads["recurrent_kernel"], ref.weight_hh_l0.grad.numpy().T, atol=1e-12)
        np.testing.assert_allclose(layer.grads["bias"], ref.bias_ih_l0.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("return_sequences, expected", [(False, (None, 4)), (True, (None, 9, 4))])
def test_output_shapes_before_and_after_data(return_sequences, expected):
    layer = LSTM(4, return_sequences=return_sequences, input_shape=(9, 3))
    assert layer.compute_output_shape((None, 9, 3)) == expected
    layer.build((None, 9, 3))  # what Sequential.summary() does before any data
    assert layer.count_params() == 4 * (4 * (3 + 4) + 4)
    out = layer.forward(np.zeros((2, 9, 3), dtype=np.float32))
    assert out.shape == (2, *expected[1:])


def test_2d_input_raises_with_time_axis_hint():
    layer = LSTM(3, name="enc")
    with pytest.raises(ValueError, match=r"enc.*\(4, 5\).*\(batch, time, features\).*time axis"):
        layer.forward(np.zeros((4, 5)))


def test_wrong_feature_count_and_declared_shape_raise():
    layer = LSTM(3, name="enc")
    layer.forward(np.zeros((2, 4, 5)))
    with pytest.raises(ValueError, match=r"enc.*\(2, 4, 6\).*\(batch, time, 5\)"):
        layer.forward(np.zeros((2, 4, 6)))
    declared = LSTM(3, input_shape=(4, 5), name="dec")
    with pytest.raises(ValueError, match=r"dec.*\(2, 4, 6\)"):
        declared.forward(np.zeros((2, 4, 6)))


def test_bad_units_and_bad_dout_raise():
    with pytest.raises(ValueError, match="units"):
        LSTM(0)
    layer = LSTM(3, name="enc")
    layer.forward(np.zeros((2, 4, 5)))
    with pytest.raises(ValueError, match=r"enc.*\(2, 4, 3\).*\(2, 3\)"):
        layer.backward(np.zeros((2, 4, 3)))


@pytest.mark.parametrize("return_sequences", [False, True])
def test_backward_leaves_dout_and_outputs_untouched(return_sequences):
    layer, x = random_case(2, return_sequences)
    out = layer.forward(x)
    out_copy = out.copy()
    dout = np.random.default_rng(0).standard_normal(out.shape)
    dout_copy = dout.copy()
    layer.backward(dout)
    np.testing.assert_array_equal(dout, dout_copy)
    np.testing.assert_array_equal(out, out_copy)


def test_float32_in_float32_out_and_deterministic():
    layer = LSTM(6, return_sequences=True)
    x = np.random.default_rng(0).standard_normal((2, 5, 3)).astype(np.float32)
    out = layer.forward(x, training=False)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, layer.forward(x, training=False))
    np.testing.assert_array_equal(out, layer.forward(x, training=True))  # no dropout: same in both modes
    dx = layer.backward(np.ones_like(out))
    assert dx.dtype == np.float32 and all(g.dtype == np.float32 for g in layer.grads.values())


def test_replacing_params_takes_effect():
    layer = LSTM(3)
    x = np.random.default_rng(0).standard_normal((2, 4, 5))
    assert np.abs(layer.forward(x)).max() > 0
    for key in layer.params:
        layer.params[key] = np.zeros_like(layer.params[key])
    np.testing.assert_array_equal(layer.forward(x), 0.0)  # g = tanh(0) = 0, so c = h = 0


def test_variable_length_declared_input_shape():
    layer = LSTM(3, return_sequences=True, input_shape=(None, 2), name="var")
    assert layer.compute_output_shape((None, None, 2)) == (None, None, 3)
    assert layer.forward(np.zeros((1, 4, 2))).shape == (1, 4, 3)
    assert layer.forward(np.zeros((2, 7, 2))).shape == (2, 7, 3)
    with pytest.raises(ValueError, match=r"var.*\(2, 7, 3\)"):
        layer.forward(np.zeros((2, 7, 3)))
