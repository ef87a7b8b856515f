"""Tests of ``UpSampling2D``: nearest and bilinear values, gradients, Keras' and torch's outputs, errors."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output
from keras_reference import keras as keras_fixture  # noqa: F401 (the `keras` fixture)

from dlcore.gradcheck import check_layer
from dlcore.layers import UpSampling2D
from dlcore.layers.upsampling import linear_upsampling_matrix


@pytest.mark.parametrize("size", [2, (1, 3), (3, 2)])
def test_gradients_and_keras(keras, size):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 2))
    layer = UpSampling2D(size)
    assert max(check_layer(layer, x).values()) < 1e-8
    ours = layer.forward(x)
    assert_close_to_keras(f"UpSampling2D {size}", ours, keras_layer_output(keras, keras.layers.UpSampling2D(size), x))
    assert layer.compute_output_shape((None, 3, 4, 2)) == (None, *ours.shape[1:])


def test_values_and_errors():
    y = UpSampling2D(2).forward(np.array([[[[1.0], [2.0]]]]))
    np.testing.assert_array_equal(y[0, :, :, 0], [[1, 1, 2, 2], [1, 1, 2, 2]])
    with pytest.raises(ValueError, match=r"'nearest' or 'bilinear', got 'cubic'"):
        UpSampling2D(2, interpolation="cubic")
    with pytest.raises(ValueError, match=r"'nearest' or 'bilinear', got 'bicubic' \(a Keras option"):
        UpSampling2D(2, interpolation="bicubic")
    with pytest.raises(ValueError, match="interpolation"):
        UpSampling2D(2, interpolation=None)
    with pytest.raises(ValueError, match=r"\(3, 4\)"):
        UpSampling2D(2).forward(np.zeros((3, 4)))


BILINEAR_CASES = [(2, (2, 3, 4, 2)), ((1, 3), (1, 2, 5, 3)), ((3, 2), (2, 4, 1, 1)), ((4, 4), (1, 3, 3, 2)),
                  (1, (1, 2, 3, 1))]


def test_linear_upsampling_matrix_half_pixel_centres():
    # factor 2: outputs sit at input coordinates -0.25 (clamped to 0), 0.25, 0.75, 1.25, 1.75, 2.25 (clamped to 2)
    expected = [[1, 0, 0], [0.75, 0.25, 0], [0.25, 0.75, 0], [0, 0.75, 0.25], [0, 0.25, 0.75], [0, 0, 1]]
    np.testing.assert_allclose(linear_upsampling_matrix(3, 2), expected, rtol=0, atol=1e-15)
    for n, s in [(1, 3), (4, 3), (5, 1), (2, 5)]:
        a = linear_upsampling_matrix(n, s)
        assert a.shape == (n * s, n) and np.all(a >= 0)
        np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=0, atol=1e-15)  # weights of a blend
    np.testing.assert_array_equal(linear_upsampling_matrix(4, 1), np.eye(4))  # factor 1: the identity


@pytest.mark.parametrize("size, shape", BILINEAR_CASES)
def test_bilinear_gradients_and_keras(keras, size, shape):
    x = np.random.default_rng(1).standard_normal(shape)
    layer = UpSampling2D(size, interpolation="Bilinear")
    assert layer.interpolation == "bilinear"
    assert max(check_layer(layer, x).values()) < 1e-8
    ours = layer.forward(x)
    ref = keras.layers.UpSampling2D(size, interpolation="bilinear")
    assert_close_to_keras(f"UpSampling2D bilinear {size}", ours, keras_layer_output(keras, ref, x))
    assert layer.compute_output_shape((None, *shape[1:])) == (None, *ours.shape[1:])


@pytest.mark.parametrize("size, shape", BILINEAR_CASES)
def test_bilinear_matches_torch_forward_and_backward(size, shape):
    torch = pytest.importorskip("torch", reason="torch is not installed: no comparison with F.interpolate")
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape)
    layer = UpSampling2D(size, interpolation="bilinear")
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    xt = torch.tensor(x, requires_grad=True)
    yt = torch.nn.functional.interpolate(xt.permute(0, 3, 1, 2), size=out.shape[1:3], mode="bilinear",
                                         align_corners=False).permute(0, 2, 3, 1)
    (yt * torch.tensor(dout)).sum().backward()
    np.testing.assert_allclose(out, yt.detach().numpy(), rtol=0, atol=1e-13)
    np.testing.assert_allclose(layer.backward(dout), xt.grad.numpy(), rtol=0, atol=1e-13)


def test_bilinear_values_and_float32():
    x = np.array([[[[0.0], [4.0]]]])  # one row: 0, 4
    np.testing.assert_allclose(UpSampling2D((1, 2), interpolation="bilinear").forward(x)[0, 0, :, 0],
                               [0.0, 1.0, 3.0, 4.0], rtol=0, atol=1e-15)
    constant = np.full((2, 3, 2, 4), 2.5, dtype=np.float32)  # a blend of equal pixels is that pixel
    y = UpSampling2D(3, interpolation="bilinear").forward(constant)
    assert y.dtype == np.float32 and y.shape == (2, 9, 6, 4)
    np.testing.assert_allclose(y, 2.5, rtol=1e-6)
    assert UpSampling2D(2, interpolation="bilinear").get_config()["interpolation"] == "bilinear"
