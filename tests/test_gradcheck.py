import numpy as np
import pytest

from dlcore.gradcheck import check_layer, numerical_gradient, rel_error
from dlcore.layers import Dense


def test_numerical_gradient_of_a_known_function():
    x = np.array([1.0, -2.0, 3.0])
    g = numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(g, 3 * np.array([1.0, 4.0, 9.0]), rtol=1e-8)
    np.testing.assert_array_equal(x, [1.0, -2.0, 3.0])  # restored


def test_numerical_gradient_refuses_float32():
    with pytest.raises(ValueError, match="float64"):
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))


def test_rel_error():
    assert rel_error(np.ones(3), np.ones(3)) == 0.0
    assert rel_error(np.array([1.0]), np.array([-1.0])) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same shape"):
        rel_error(np.ones(3), np.ones(4))


class _WrongDense(Dense):
    """A Dense whose backward forgets to transpose correctly: gradcheck must catch it."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["kernel"] = self.grads["kernel"] * 1.01
        return dx


def test_check_layer_detects_a_wrong_gradient():
    x = np.random.default_rng(0).normal(size=(4, 3))
    assert max(check_layer(Dense(2), x.copy()).values()) < 1e-7
    errors = check_layer(_WrongDense(2), x.copy())
    assert errors["kernel"] > 1e-3
    assert errors["x"] < 1e-7
