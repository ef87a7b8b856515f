import os

import numpy as np
import pytest

from dlcore import regularizers
from dlcore.gradcheck import numerical_gradient, rel_error

CASES = [("L1", dict(l1=0.03)), ("L2", dict(l2=0.02)), ("L1L2", dict(l1=0.01, l2=0.05)),
         ("l1", dict()), ("l2", dict()), ("l1_l2", dict(l1=0.2, l2=0.1)), ("L1L2", dict())]


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    before = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield keras
    keras.config.set_floatx(before)


@pytest.mark.parametrize("name, kwargs", CASES)
def test_penalty_and_gradient_match_keras(keras, name, kwargs):
    torch = pytest.importorskip("torch")
    w = np.random.default_rng(0).normal(size=(4, 3))
    ours = getattr(regularizers, name)(**kwargs)
    theirs = getattr(keras.regularizers, name)(**kwargs)
    t = torch.tensor(w, requires_grad=True)
    penalty = theirs(t)
    if torch.is_tensor(penalty) and penalty.requires_grad:
        penalty.backward()
        expected_grad = t.grad.numpy()
    else:  # L1L2() with both factors 0: Keras returns a constant
        expected_grad = np.zeros_like(w)
    assert ours.penalty(w) == pytest.approx(float(torch.as_tensor(penalty).detach()), rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(ours.gradient(w), expected_grad, rtol=1e-12, atol=1e-15)


def test_l2_is_lambda_sum_of_squares_without_a_half():
    w = np.array([1.0, -2.0, 3.0])
    assert regularizers.l2(0.1).penalty(w) == pytest.approx(1.4)
    np.testing.assert_allclose(regularizers.L2(0.1).gradient(w), [0.2, -0.4, 0.6])


@pytest.mark.parametrize("reg", [regularizers.L1(0.3), regularizers.L2(0.2), regularizers.L1L2(0.1, 0.4)])
def test_gradient_matches_numerical(reg):
    w = np.random.default_rng(1).normal(size=(5, 2))
    w[np.abs(w) < 1e-3] = 0.5  # away from the kink of |w|
    assert rel_error(reg.gradient(w), numerical_gradient(lambda: reg.penalty(w), w)) < 1e-8


def test_lower_case_names_are_the_classes_with_keras_defaults():
    assert regularizers.l1 is regularizers.L1 and regularizers.l2 is regularizers.L2
    assert regularizers.l1_l2 is regularizers.L1L2
    assert regularizers.l1().l1 == 0.01 and regularizers.l2().l2 == 0.01
    reg = regularizers.l1_l2(l1=0.2, l2=0.3)
    assert (reg.l1, reg.l2) == (0.2, 0.3)
    assert repr(regularizers.L2(0.5)) == "L2(l2=0.5)"


def test_get_follows_keras():
    assert regularizers.get(None) is None
    reg = regularizers.L1(0.5)
    assert regularizers.get(reg) is reg
    assert isinstance(regularizers.get("l2"), regularizers.L2) and regularizers.get("L2").l2 == 0.01
    assert regularizers.get("l1").l1 == 0.01
    both = regularizers.get("l1_l2")
    assert (both.l1, both.l2) == (0.0, 0.0)  # Keras 3: L1L2() defaults to no penalty
    with pytest.raises(ValueError, match="l1_l2"):
        regularizers.get("l3")


def test_bad_factors_are_rejected():
    with pytest.raises(ValueError, match="l2"):
        regularizers.L2(-0.1)
    with pytest.raises(ValueError, match="l1"):
        regularizers.l1_l2(l1=float("nan"))
    with pytest.raises(ValueError, match="l1"):
        regularizers.L1("0.1")
