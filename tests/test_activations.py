import os
import warnings

import numpy as np
import pytest

from dlcore import activations
from dlcore.gradcheck import numerical_gradient, rel_error

SMOOTH = ["sigmoid", "tanh", "elu", "selu", "softplus", "softsign", "silu", "swish", "gelu"]
KINKED = ["relu", "leaky_relu", "hard_sigmoid"]  # kinks at 0 (and at ±3 for hard_sigmoid)
ELEMENTWISE = SMOOTH + KINKED
KINKS = np.array([-3.0, 0.0, 3.0])


def _away_from_kinks(x):
    return x[np.min(np.abs(x[:, None] - KINKS), axis=1) > 1e-3]


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    before = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield keras
    keras.config.set_floatx(before)


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax", "linear"])
def test_forward_matches_keras(keras, name):
    # |x| <= 15: PyTorch's softplus (which Keras calls) returns x itself above 20, we return the exact value
    x = np.concatenate([np.linspace(-15, 15, 301), np.random.default_rng(0).normal(size=200)])
    ours = activations.get(name)(x)
    theirs = keras.ops.convert_to_numpy(keras.activations.get(name)(keras.ops.convert_to_tensor(x)))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


def test_leaky_relu_default_slope_is_keras(keras):
    assert activations.leaky_relu(np.array(-1.0)) == -0.2
    assert activations.get("leaky_relu")(np.array(-2.0)) == -0.4
    assert activations.leaky_relu_grad(np.array([-1.0, 1.0])).tolist() == [0.2, 1.0]
    x = np.array([-3.0, 2.0])
    theirs = keras.ops.convert_to_numpy(keras.activations.leaky_relu(keras.ops.convert_to_tensor(x), 0.05))
    np.testing.assert_array_equal(activations.leaky_relu(x, negative_slope=0.05), theirs)


def test_gelu_approximation_matches_keras_and_differs_from_exact(keras):
    x = np.linspace(-6, 6, 241)
    theirs = keras.ops.convert_to_numpy(keras.activations.gelu(keras.ops.convert_to_tensor(x), approximate=True))
    np.testing.assert_allclose(activations.gelu(x, approximate=True), theirs, rtol=1e-12, atol=1e-15)
    gap = np.abs(activations.gelu(x, approximate=True) - activations.gelu(x)).max()
    assert 1e-5 < gap < 1e-3


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_grad_functions_match_numerical(name):
    x = _away_from_kinks(np.random.default_rng(1).normal(size=40) * 3)
    f = activations.get(name)
    grad_fn = getattr(activations, f"{name}_grad")
    num = np.array([numerical_gradient(lambda i=i: float(f(x)[i]), x)[i] for i in range(x.size)])
    assert rel_error(grad_fn(x), num) < 1e-8


def test_gelu_approximate_grad_matches_numerical():
    x = np.random.default_rng(3).normal(size=30) * 3
    num = np.array([numerical_gradient(lambda i=i: float(activations.gelu(x, True)[i]), x)[i] for i in range(x.size)])
    assert rel_error(activations.gelu_grad(x, approximate=True), num) < 1e-8


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax", "linear"])
def test_backward_matches_numerical(name):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 4)) * 3
    x[np.min(np.abs(x[..., None] - KINKS), axis=-1) < 1e-3] = 0.5
    r = rng.normal(size=(3, 4))
    f = activations.get(name)
    y = f(x)
    analytic = activations.backward(name, x, y, r)
    assert rel_error(analytic, numerical_gradient(lambda: float(np.sum(f(x) * r)), x)) < 1e-8


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax", "linear"])
def test_float32_stays_float32_and_extremes_are_finite(name):
    x = np.array([[-1000.0, -5.0, 0.5, 5.0, 1000.0]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = activations.get(name)(x)
        dx = activations.backward(name, x, y, np.ones_like(y))
    assert y.dtype == np.float32 and dx.dtype == np.float32
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dx))


def test_hard_sigmoid_is_keras_3_relu6_form():
    np.testing.assert_allclose(activations.hard_sigmoid(np.array([-4.0, -3.0, 0.0, 1.5, 3.0])),
                               [0.0, 0.0, 0.5, 0.75, 1.0])


def test_selu_keeps_a_standard_normal_standard():
    z = np.random.default_rng(4).standard_normal(1_000_000)
    y = activations.selu(z)
    assert abs(y.mean()) < 5e-3 and abs(y.std() - 1) < 5e-3


def test_softmax_of_extremes_is_exact():
    s = activations.softmax(np.array([1000.0, 0.0, -1000.0]))
    assert s.tolist() == [1.0, 0.0, 0.0]


def test_softmax_rows_sum_to_one_and_shift_invariant():
    x = np.random.default_rng(0).normal(size=(5, 7)) * 30
    s = activations.softmax(x)
    np.testing.assert_allclose(s.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(activations.softmax(x + 123.0), s, atol=1e-12)


def test_sigmoid_extremes_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = activations.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    assert s.tolist() == [0.0, 0.5, 1.0]


def test_sigmoid_derivative_peaks_at_a_quarter():
    assert activations.sigmoid_grad(np.array(0.0)) == pytest.approx(0.25)
    assert activations.sigmoid_grad(np.array(5.0)) == pytest.approx(0.0066480566707901, rel=1e-9)


def test_softmax_jacobian_matches_vjp():
    x = np.array([0.5, -1.0, 2.0])
    d = np.array([1.0, 2.0, -1.0])
    s = activations.softmax(x)
    np.testing.assert_allclose(activations.softmax_grad(x) @ d, activations.softmax_vjp(s, d), atol=1e-15)


def test_dead_relu_gradient_is_exactly_zero():
    assert np.all(activations.relu_grad(np.array([-3.0, -0.1])) == 0)


def test_get_rejects_unknown_names_listing_known_ones():
    with pytest.raises(ValueError, match="relu"):
        activations.get("rellu")
    assert activations.get(None) is activations.linear
    assert activations.get("ReLU") is activations.relu
    assert activations.get("swish") is activations.get("silu")
    assert set(ELEMENTWISE + ["softmax", "linear"]) == set(activations.names())


# relu's Keras options: (negative_slope, max_value, threshold)
RELU_OPTIONS = [(0.0, None, 0.0), (0.1, None, 0.0), (0.0, 6.0, 0.0), (0.0, None, 1.5), (0.3, 4.0, 1.0),
                (0.2, 6.0, 0.0), (0.0, 2.5, -1.0)]


def _away_from(x, kinks):
    return x[np.min(np.abs(x[:, None] - np.array(kinks, dtype=float)), axis=1) > 1e-3]


@pytest.mark.parametrize("slope, max_value, threshold", RELU_OPTIONS)
def test_relu_options_match_keras_value_and_gradient(keras, slope, max_value, threshold):
    import torch
    kinks = [0.0, threshold] + ([] if max_value is None else [max_value])
    x = _away_from(np.concatenate([np.linspace(-8, 8, 321), np.random.default_rng(1).normal(scale=3, size=100)]),
                   kinks)
    options = dict(negative_slope=slope, max_value=max_value, threshold=threshold)
    t = torch.tensor(x, requires_grad=True)
    theirs = keras.activations.relu(t, **options)
    theirs.sum().backward()
    np.testing.assert_allclose(activations.relu(x, **options), theirs.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(activations.relu_grad(x, **options), t.grad.numpy(), rtol=1e-12, atol=1e-15)
    numerical = numerical_gradient(lambda: np.sum(activations.relu(x, **options)), x)
    assert rel_error(activations.relu_grad(x, **options), numerical) < 1e-7


def test_relu_options_meaning():
    x = np.array([-2.0, 0.5, 2.0, 8.0])
    np.testing.assert_allclose(activations.relu(x, max_value=6.0), [0.0, 0.5, 2.0, 6.0])  # ReLU6
    np.testing.assert_allclose(activations.relu(x, negative_slope=0.1), activations.leaky_relu(x, 0.1))
    np.testing.assert_allclose(activations.relu(x, threshold=1.0), [0.0, 0.0, 2.0, 8.0])
    # below the threshold the slope's line through (threshold, 0): -0.5 * (1 - x)
    np.testing.assert_allclose(activations.relu(x, negative_slope=0.5, threshold=1.0), [-1.5, -0.25, 2.0, 8.0])
    np.testing.assert_allclose(activations.relu_grad(x, negative_slope=0.5, max_value=6.0, threshold=1.0),
                               [0.5, 0.5, 1.0, 0.0])
    assert activations.relu(np.float32([-1.0, 2.0]), max_value=1.0).dtype == np.float32
