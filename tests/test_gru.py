"""Tests for ``dlcore.layers.gru.GRU`` (reset_after=True): gradients, Keras equations, torch, shapes, errors."""

import numpy as np
import pytest

from dlcore.gradcheck import check_layer, numerical_gradient, rel_error
from dlcore.layers.gru import GRU
from dlcore.random import set_seed


@pytest.fixture(autouse=True)
def _seed():
    set_seed(0)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def reference(x, kernel, rec, bias, bump=None):
    """Plain per-step Keras GRUCell (reset_after=True); ``bump=(k, eps)`` adds ``eps`` to ``h_k``."""
    n = rec.shape[0]
    h = np.zeros((x.shape[0], n))
    hs = []
    for t in range(x.shape[1]):
        mx = x[:, t] @ kernel + bias[0]
        mh = h @ rec + bias[1]
        z = sigmoid(mx[:, :n] + mh[:, :n])
        r = sigmoid(mx[:, n:2 * n] + mh[:, n:2 * n])
        hh = np.tanh(mx[:, 2 * n:] + r * mh[:, 2 * n:])
        h = z * h + (1 - z) * hh
        if bump is not None and bump[0] == t:
            h = h + bump[1]
        hs.append(h)
    return np.stack(hs, axis=1)


def random_case(seed, return_sequences):
    """A float64 GRU with random shapes (batch 1-3, time 1-6, features 1-4, units 1-5), random bias, and an input."""
    rng = np.random.default_rng(seed)
    batch, time, feats, units = rng.integers(1, 4), rng.integers(1, 7), rng.integers(1, 5), rng.integers(1, 6)
    layer = GRU(int(units), return_sequences=return_sequences)
    layer.build((None, time, feats), dtype=np.float64)
    layer.params["bias"] = rng.standard_normal((2, 3 * units))
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
    n = 4
    to_torch = np.r_[n:2 * n, 0:n, 2 * n:3 * n]  # Keras blocks z, r, h -> torch r, z, n
    for return_sequences in (False, True):
        layer = GRU(n, return_sequences=return_sequences)
        x = rng.standard_normal((3, 6, 2))
        layer.build((None, 6, 2), dtype=np.float64)
        layer.params["bias"] = rng.standard_normal((2, 3 * n))
        ref = torch.nn.GRU(2, n, batch_first=True).double()
        p = {k: v[..., to_torch] for k, v in layer.params.items()}
        with torch.no_grad():  # torch's n = tanh(W_in x + b_in + r * (W_hn h + b_hn)) is Keras' reset_after
            ref.weight_ih_l0.copy_(torch.tensor(p["kernel"].T))
            ref.weight_hh_l0.copy_(torch.tensor(p["recurrent_kernel"].T))
            ref.bias_ih_l0.copy_(torch.tensor(p["bias"][0]))
            ref.bias_hh_l0.copy_(torch.tensor(p["bias"][1]))
        xt = torch.tensor(x, requires_grad=True)
        seq, _ = ref(xt)
        y = seq if return_sequences else seq[:, -1]
        r = rng.standard_normal(tuple(y.shape))
        (y * torch.tensor(r)).sum().backward()
        out = layer.forward(x)
        dx = layer.backward(r)
        np.testing.assert_allclose(out, y.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(dx, xt.grad.numpy(), atol=1e-12)
        grads = {k: v[..., to_torch] for k, v in layer.grads.items()}
        np.testing.assert_allclose(grads["kernel"], ref.weight_ih_l0.grad.numpy().T, atol=1e-12)
        np.testing.assert_allclose(grads["recurrent_kernel"], ref.weight_hh_l0.grad.numpy().T, atol=1e-12)
        np.testing.assert_allclose(grads["bias"][0], ref.bias_ih_l0.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(grads["bias"][1], ref.bias_hh_l0.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("return_sequences, expected", [(False, (None, 4)), (True, (None, 9, 4))])
def test_output_shapes_before_and_after_data(return_sequences, expected):
    layer = GRU(4, return_sequences=return_sequences, input_shape=(9, 3))
    assert layer.compute_output_shape((None, 9, 3)) == expected
    layer.build((None, 9, 3))  # what Sequential.summary() does before any data
    assert layer.count_params() == 3 * (4 * (3 + 4) + 2 * 4)
    out = layer.forward(np.zeros((2, 9, 3), dtype=np.float32))
    assert out.shape == (2, *expected[1:])


def test_2d_input_raises_with_time_axis_hint():
    layer = GRU(3, name="enc")
    with pytest.raises(ValueError, match=r"enc.*\(4, 5\).*\(batch, time, features\).*time axis"):
        layer.forward(np.zeros((4, 5)))


def test_wrong_feature_count_and_declared_shape_raise():
    layer = GRU(3, name="enc")
    layer.forward(np.zeros((2, 4, 5)))
    with pytest.raises(ValueError, match=r"enc.*\(2, 4, 6\).*\(batch, time, 5\)"):
        layer.forward(np.zeros((2, 4, 6)))
    declared = GRU(3, input_shape=(4, 5), name="dec")
    with pytest.raises(ValueError, match=r"dec.*\(2, 4, 6\)"):
        declared.forward(np.zeros((2, 4, 6)))


def test_bad_units_and_bad_dout_raise():
    with pytest.raises(ValueError, match="units"):
        GRU(0)
    layer = GRU(3, name="enc")
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
    layer = GRU(6, return_sequences=True)
    x = np.random.default_rng(0).standard_normal((2, 5, 3)).astype(np.float32)
    out = layer.forward(x, training=False)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, layer.forward(x, training=False))
    np.testing.assert_array_equal(out, layer.forward(x, training=True))  # no dropout: same in both modes
    dx = layer.backward(np.ones_like(out))
    assert dx.dtype == np.float32 and all(g.dtype == np.float32 for g in layer.grads.values())


def test_replacing_params_takes_effect():
    layer = GRU(3)
    x = np.random.default_rng(0).standard_normal((2, 4, 5))
    assert np.abs(layer.forward(x)).max() > 0
    for key in layer.params:
        layer.params[key] = np.zeros_like(layer.params[key])
    np.testing.assert_array_equal(layer.forward(x), 0.0)  # candidate tanh(0) = 0 and h_0 = 0, so h = 0
