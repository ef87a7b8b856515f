import warnings

import numpy as np
import pytest

from dlcore import activations
from dlcore.gradcheck import numerical_gradient, rel_error

ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu"]


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


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_grad_functions_match_numerical(name):
    x = np.random.default_rng(1).normal(size=20)
    x = x[np.abs(x) > 1e-3]  # stay away from the ReLU kink
    f = activations.get(name)
    grad_fn = getattr(activations, f"{name}_grad")
    num = np.array([numerical_gradient(lambda i=i: float(f(x)[i]), x)[i] for i in range(x.size)])
    assert rel_error(grad_fn(x), num) < 1e-8


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax", "linear"])
def test_backward_matches_numerical(name):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 4))
    x[np.abs(x) < 1e-3] = 0.5
    r = rng.normal(size=(3, 4))
    f = activations.get(name)
    y = f(x)
    analytic = activations.backward(name, x, y, r)
    assert rel_error(analytic, numerical_gradient(lambda: float(np.sum(f(x) * r)), x)) < 1e-8


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
