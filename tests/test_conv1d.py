"""Tests of ``Conv1D``: gradients, Keras' and torch's outputs and shapes (valid, same, causal; strides; dilation),
causality, errors."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output
from keras_reference import keras as keras_fixture  # noqa: F401 (the `keras` fixture)

from dlcore.gradcheck import check_layer
from dlcore.layers import Conv1D
from dlcore.regularizers import L2

CASES = [(3, 1, "valid"), (3, 2, "same"), (4, 1, "causal"), (2, 3, "causal"), (5, 2, "same"), (1, 1, "valid")]


# (kernel_size, dilation_rate, padding); the shortest sequences (span d (k - 1) + 1) come up too
DILATED = [(2, 2, "valid"), (3, 2, "same"), (3, 3, "causal"), (2, 4, "same"), (4, 2, "causal"), (1, 3, "valid"),
           (3, 2, "valid")]


def make(seed, k, s, padding, activation="tanh", d=1):
    rng = np.random.default_rng(seed)
    layer = Conv1D(int(rng.integers(1, 4)), k, strides=s, padding=padding, activation=activation, dilation_rate=d)
    span = d * (k - 1) + 1
    x = rng.standard_normal((int(rng.integers(1, 3)), int(rng.integers(span, span + 6)), int(rng.integers(1, 4))))
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


@pytest.mark.parametrize("k, d, padding", DILATED)
@pytest.mark.parametrize("seed", range(3))
def test_dilated_gradients_match_numerical(seed, k, d, padding):
    layer, x = make(seed * 7 + k + d, k, 1, padding, d=d)
    errors = check_layer(layer, x)
    assert set(errors) == {"x", "kernel", "bias"} and max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("k, d, padding", DILATED)
def test_dilated_matches_keras(keras, k, d, padding):
    layer, x = make(k + 10 * d, k, 1, padding, activation="sigmoid", d=d)
    ref = keras.layers.Conv1D(layer.filters, k, padding=padding, dilation_rate=d, activation="sigmoid")
    theirs = keras_layer_output(keras, ref, x, [layer.params["kernel"], layer.params["bias"]])
    assert_close_to_keras(f"Conv1D k={k} d={d} {padding}", layer.forward(x), theirs)
    assert layer.compute_output_shape((None, x.shape[1], x.shape[2])) == (None, *theirs.shape[1:])


@pytest.mark.parametrize("k, d, padding", DILATED)
def test_dilated_matches_torch_forward_and_gradients(k, d, padding):
    torch = pytest.importorskip("torch", reason="torch is not installed: no comparison with torch.nn.functional.conv1d")
    layer, x = make(k + 100 * d, k, 1, padding, activation=None, d=d)
    out = layer.forward(x)
    dout = np.random.default_rng(1).standard_normal(out.shape)
    dx = layer.backward(dout)
    # torch pads symmetrically only: pad as Keras does ("same": the extra zero at the end), then "valid"
    span = d * (k - 1)
    pads = {"valid": (0, 0), "same": (span // 2, span - span // 2), "causal": (span, 0)}[padding]
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(layer.params["kernel"], requires_grad=True)
    bt = torch.tensor(layer.params["bias"], requires_grad=True)
    yt = torch.nn.functional.conv1d(torch.nn.functional.pad(xt.transpose(1, 2), pads), wt.permute(2, 1, 0), bt,
                                    dilation=d).transpose(1, 2)
    (yt * torch.tensor(dout)).sum().backward()
    np.testing.assert_allclose(out, yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    for ours, theirs in ((dx, xt), (layer.grads["kernel"], wt), (layer.grads["bias"], bt)):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_dilated_causal_sees_every_dth_past_step_only():
    layer = Conv1D(1, 3, padding="causal", dilation_rate=2, use_bias=False)
    layer.build((None, 9, 1), dtype=np.float64)
    layer.params["kernel"] = np.ones((3, 1, 1))
    x = np.zeros((1, 9, 1))
    x[0, 2] = 1.0  # one impulse at step 2: reaches steps 2, 4 and 6 (kernel taps at t - 4, t - 2, t)
    np.testing.assert_array_equal(np.flatnonzero(layer.forward(x)[0, :, 0]), [2, 4, 6])


def test_dilation_errors_and_config():
    with pytest.raises(ValueError, match=r"strides > 1 cannot be combined with dilation_rate > 1.*strides=2"):
        Conv1D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="dilation_rate must be a positive int, got 0"):
        Conv1D(2, 3, dilation_rate=0)
    layer = Conv1D(2, 3, dilation_rate=(3,), name="d3")
    assert layer.get_config()["dilation_rate"] == 3 and Conv1D(**layer.get_config()).dilation_rate == 3
    with pytest.raises(ValueError, match=r"d3.*\(1, 6, 2\).*at least 7 steps.*shorter"):
        layer.forward(np.zeros((1, 6, 2)))
