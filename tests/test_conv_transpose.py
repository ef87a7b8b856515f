"""Tests of ``Conv2DTranspose``: gradients, Keras' outputs, torch's gradients, shapes and the adjoint property."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output
from keras_reference import keras as keras_fixture  # noqa: F401 (the `keras` fixture)

from dlcore.gradcheck import check_layer
from dlcore.layers import Conv2D, Conv2DTranspose

# (kernel_size, strides, padding)
CASES = [(3, 2, "same"), (3, 2, "valid"), (2, 3, "same"), ((4, 3), (2, 1), "same"), (1, 2, "same"), (3, 1, "valid")]
# (kernel_size, dilation_rate, padding), strides 1; (2, 3) and (3, 2) spans are even: 4 and 4
DILATED = [(3, 2, "same"), (3, (2, 1), "valid"), ((2, 3), (3, 1), "same"), (2, (3, 2), "valid"), ((3, 2), 2, "same")]


def make(seed, k, s, padding, activation="tanh", dilation_rate=1):
    rng = np.random.default_rng(seed)
    layer = Conv2DTranspose(int(rng.integers(1, 4)), k, strides=s, padding=padding, activation=activation,
                            dilation_rate=dilation_rate)
    x = rng.standard_normal((int(rng.integers(1, 3)), int(rng.integers(1, 4)), int(rng.integers(1, 4)),
                             int(rng.integers(1, 4))))
    layer.forward(x)
    layer.params["bias"] = rng.standard_normal(layer.params["bias"].shape)
    return layer, x


@pytest.mark.parametrize("k, s, padding", CASES)
def test_gradients_match_numerical(k, s, padding):
    layer, x = make(hash((str(k), str(s), padding)) % 1000, k, s, padding)
    errors = check_layer(layer, x)
    assert set(errors) == {"x", "kernel", "bias"} and max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("k, s, padding", CASES)
def test_matches_keras(keras, k, s, padding):
    layer, x = make(3, k, s, padding, activation=None)
    ref = keras.layers.Conv2DTranspose(layer.filters, k, strides=s, padding=padding)
    theirs = keras_layer_output(keras, ref, x, [layer.params["kernel"], layer.params["bias"]])
    assert_close_to_keras(f"Conv2DTranspose k={k} s={s} {padding}", layer.forward(x), theirs)
    assert layer.compute_output_shape((None, *x.shape[1:])) == (None, *theirs.shape[1:])


@pytest.mark.parametrize("k, d, padding", DILATED)
def test_dilated_gradients_match_numerical(k, d, padding):
    layer, x = make(hash((str(k), str(d), padding)) % 1000, k, 1, padding, dilation_rate=d)
    errors = check_layer(layer, x)
    assert set(errors) == {"x", "kernel", "bias"} and max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("k, d, padding", DILATED)
def test_dilated_matches_keras(keras, k, d, padding):
    layer, x = make(4, k, 1, padding, activation=None, dilation_rate=d)
    ref = keras.layers.Conv2DTranspose(layer.filters, k, padding=padding, dilation_rate=d)
    theirs = keras_layer_output(keras, ref, x, [layer.params["kernel"], layer.params["bias"]])
    assert_close_to_keras(f"Conv2DTranspose k={k} d={d} {padding}", layer.forward(x), theirs)
    assert layer.compute_output_shape((None, *x.shape[1:])) == (None, *theirs.shape[1:])


def test_dilated_gradients_match_torch():
    torch = pytest.importorskip("torch", reason="torch is not installed: no comparison with torch")
    layer, x = make(6, 3, 1, "valid", activation=None, dilation_rate=(2, 3))
    dout = np.random.default_rng(2).standard_normal(layer.forward(x).shape)
    dx = layer.backward(dout)
    xt = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    wt = torch.tensor(layer.params["kernel"].transpose(3, 2, 0, 1), requires_grad=True)  # (cin, cout, kh, kw)
    yt = torch.nn.functional.conv_transpose2d(xt, wt, torch.tensor(layer.params["bias"]), dilation=(2, 3))
    np.testing.assert_allclose(layer.forward(x), yt.detach().numpy().transpose(0, 2, 3, 1), atol=1e-12)
    yt.backward(torch.tensor(dout.transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(dx, xt.grad.numpy().transpose(0, 2, 3, 1), atol=1e-12)
    np.testing.assert_allclose(layer.grads["kernel"], wt.grad.numpy().transpose(2, 3, 1, 0), atol=1e-12)


def test_dilation_errors_and_config():
    with pytest.raises(ValueError, match=r"Conv2DTranspose: strides > 1 cannot be combined with dilation_rate > 1"
                                         r".*strides=\(2, 2\) and dilation_rate=\(2, 1\)"):
        Conv2DTranspose(2, 3, strides=2, dilation_rate=(2, 1))
    with pytest.raises(ValueError, match="Conv2DTranspose: dilation_rate must be a positive int"):
        Conv2DTranspose(2, 3, dilation_rate=(0, 1))
    layer = Conv2DTranspose(2, 3, dilation_rate=(1, 2))
    assert Conv2DTranspose(**layer.get_config()).dilation_rate == (1, 2)
    assert layer.compute_output_shape((None, 4, 5, 3)) == (None, 6, 9, 2)  # valid: H + span - 1


def test_gradients_match_torch():
    torch = pytest.importorskip("torch", reason="torch is not installed: no comparison with torch")
    layer, x = make(5, 3, 2, "valid", activation=None)
    dout = np.random.default_rng(1).standard_normal(layer.forward(x).shape)
    dx = layer.backward(dout)
    xt = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    wt = torch.tensor(layer.params["kernel"].transpose(3, 2, 0, 1), requires_grad=True)  # (cin, cout, kh, kw)
    yt = torch.nn.functional.conv_transpose2d(xt, wt, torch.tensor(layer.params["bias"]), stride=2)
    yt.backward(torch.tensor(dout.transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(dx, xt.grad.numpy().transpose(0, 2, 3, 1), atol=1e-12)
    np.testing.assert_allclose(layer.grads["kernel"], wt.grad.numpy().transpose(2, 3, 1, 0), atol=1e-12)


def test_is_the_adjoint_of_a_strided_convolution():
    # <conv(a), b> == <a, conv_transpose(b)> with the same kernel and no bias
    rng = np.random.default_rng(2)
    conv = Conv2D(3, 3, strides=2, padding="same", use_bias=False)
    a = rng.standard_normal((1, 8, 8, 2))
    ca = conv.forward(a)
    up = Conv2DTranspose(2, 3, strides=2, padding="same", use_bias=False)
    b = rng.standard_normal(ca.shape)
    up.forward(b)
    up.params["kernel"] = conv.params["kernel"].transpose(0, 1, 2, 3)  # (kh, kw, cin_conv, cout_conv)
    assert np.sum(ca * b) == pytest.approx(np.sum(a * up.forward(b)), rel=1e-12)


def test_shapes_and_errors():
    layer = Conv2DTranspose(5, 3, strides=2, padding="same", name="up")
    assert layer.forward(np.zeros((2, 4, 6, 3))).shape == (2, 8, 12, 5)
    assert layer.params["kernel"].shape == (3, 3, 5, 3)  # Keras: (kh, kw, filters, in_channels)
    with pytest.raises(ValueError, match=r"up.*\(2, 4, 6, 2\)"):
        layer.forward(np.zeros((2, 4, 6, 2)))
    with pytest.raises(ValueError, match="filters"):
        Conv2DTranspose(0, 3)
