import warnings

import numpy as np
import pytest

from dlcore import losses
from dlcore.gradcheck import numerical_gradient, rel_error

RNG = np.random.default_rng(0)


def _labels(name, shape):
    k = shape[-1]
    if name == "binary_crossentropy":
        return RNG.integers(0, 2, size=shape).astype(float)
    if name == "categorical_crossentropy":
        return np.eye(k)[RNG.integers(0, k, size=shape[0])]
    if name == "sparse_categorical_crossentropy":
        return RNG.integers(0, k, size=shape[0])
    return RNG.normal(size=shape)


@pytest.mark.parametrize("name, from_logits", [("mse", False)] + [
    (name, logits) for name in ("binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy")
    for logits in (False, True)])
def test_gradient_matches_numerical(name, from_logits):
    shape = (5, 1) if name == "binary_crossentropy" else (5, 4)
    loss = losses.get(name, from_logits=from_logits)
    y = _labels(name, shape)
    z = RNG.normal(size=shape)
    p = z if from_logits or name == "mse" else (1 / (1 + np.exp(-z)) if shape[1] == 1 else
                                                  np.exp(z) / np.exp(z).sum(1, keepdims=True))
    assert rel_error(loss.gradient(y, p), numerical_gradient(lambda: loss(y, p), p)) < 1e-7


def test_known_values():
    y, p = np.array([[1.0], [0.0]]), np.array([[0.9], [0.2]])
    assert losses.binary_crossentropy(y, p) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)
    assert losses.mse(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]])) == pytest.approx(2.5)
    y_cat, p_cat = np.array([[0, 1, 0.0]]), np.array([[0.2, 0.7, 0.1]])
    assert losses.categorical_crossentropy(y_cat, p_cat) == pytest.approx(-np.log(0.7))
    assert losses.sparse_categorical_crossentropy(np.array([1]), p_cat) == pytest.approx(-np.log(0.7))


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy"])
def test_logits_form_equals_probability_form(name):
    z = RNG.normal(size=(6, 1 if name == "binary_crossentropy" else 3))
    y = _labels(name, z.shape)
    p = 1 / (1 + np.exp(-z)) if z.shape[1] == 1 else np.exp(z) / np.exp(z).sum(1, keepdims=True)
    assert losses.get(name, from_logits=True)(y, z) == pytest.approx(losses.get(name)(y, p), rel=1e-9)


def test_finite_at_extreme_logits_and_probabilities():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = np.array([[1.0], [0.0], [1.0], [0.0]])
        z = np.array([[-1000.0], [1000.0], [1000.0], [-1000.0]])
        bce_logits = losses.BinaryCrossentropy(from_logits=True)
        assert bce_logits(y, z) == pytest.approx(500.0)  # two confidently wrong: 1000 each, averaged over 4
        assert np.all(np.isfinite(bce_logits.gradient(y, z)))
        p = np.array([[0.0], [1.0], [1.0], [0.0]])
        value = losses.binary_crossentropy(y, p)
        assert np.isfinite(value) and value == pytest.approx(-np.log(1e-7) / 2, rel=1e-6)
        assert np.all(np.isfinite(losses.binary_crossentropy.gradient(y, p)))
        cce_logits = losses.CategoricalCrossentropy(from_logits=True)
        yc = np.array([[1.0, 0, 0], [0, 0, 1.0]])
        zc = np.array([[-1000.0, 0.0, 1000.0], [1000.0, 0.0, -1000.0]])
        assert cce_logits(yc, zc) == pytest.approx(2000.0)
        assert np.all(np.isfinite(cce_logits.gradient(yc, zc)))
        pc = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
        assert np.isfinite(losses.categorical_crossentropy(yc, pc))
        assert np.all(np.isfinite(losses.categorical_crossentropy.gradient(yc, pc)))


def test_perfect_prediction_is_near_zero():
    y = np.array([[1.0], [0.0]])
    assert losses.binary_crossentropy(y, y) < 1e-6


def test_labels_of_the_wrong_shape_raise():
    with pytest.raises(ValueError, match=r"\(4,\).*\(4, 3\).*sparse_categorical"):
        losses.categorical_crossentropy(np.array([0, 1, 2, 1]), np.full((4, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(4, 3\).*one-hot"):
        losses.sparse_categorical_crossentropy(np.eye(3)[[0, 1, 2, 1]], np.full((4, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"\(1, 4\).*\(4, 1\).*reshape"):
        losses.binary_crossentropy(np.array([[0, 1, 1, 0]]), np.full((4, 1), 0.5))
    with pytest.raises(ValueError, match=r"\(4, 2\).*\(4, 1\)"):
        losses.mse(np.zeros((4, 2)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        losses.sparse_categorical_crossentropy(np.array([0, 3]), np.full((2, 3), 1 / 3))


def test_get():
    assert isinstance(losses.get("mse"), losses.MeanSquaredError)
    with pytest.raises(ValueError, match="unknown loss"):
        losses.get("cross_entropy")


def test_matches_torch_when_installed():
    torch = pytest.importorskip("torch")
    z = RNG.normal(size=(8, 5))
    y = RNG.integers(0, 5, size=8)
    ours = losses.SparseCategoricalCrossentropy(from_logits=True)(y, z)
    theirs = torch.nn.functional.cross_entropy(torch.tensor(z), torch.tensor(y)).item()
    assert ours == pytest.approx(theirs, rel=1e-10)
    zb, yb = RNG.normal(size=(8, 1)), RNG.integers(0, 2, size=(8, 1)).astype(float)
    theirs_b = torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(zb), torch.tensor(yb)).item()
    assert losses.BinaryCrossentropy(from_logits=True)(yb, zb) == pytest.approx(theirs_b, rel=1e-10)


def test_labels_of_shape_n_are_accepted_for_outputs_n_by_1():
    y, p = np.array([1.0, 0.0]), np.array([[0.9], [0.2]])
    assert losses.binary_crossentropy(y, p) == pytest.approx(losses.binary_crossentropy(y[:, None], p))
    assert losses.binary_crossentropy.gradient(y, p).shape == (2, 1)


def test_one_hot_hint_only_for_one_hot_labels():
    with pytest.raises(ValueError) as info:
        losses.sparse_categorical_crossentropy(np.full((4, 3), 2), np.full((4, 3), 1 / 3))
    assert "one-hot" not in str(info.value) and "(4,)" in str(info.value)


def test_categorical_rows_not_summing_to_one_are_rescaled_as_keras():
    y, p = np.array([[0.0, 1.0, 0.0]]), np.array([[0.2, 1.0, 0.2]])  # rows sum to 1.4
    assert losses.categorical_crossentropy(y, p) == pytest.approx(-np.log(1.0 / 1.4))


@pytest.mark.parametrize("from_logits", [False, True])
def test_categorical_gradient_with_unnormalised_rows_matches_numerical(from_logits):
    y = np.eye(4)[RNG.integers(0, 4, size=5)]
    p = RNG.uniform(0.1, 2.0, size=(5, 4))  # positive, rows far from summing to 1
    loss = losses.CategoricalCrossentropy(from_logits=from_logits)
    assert rel_error(loss.gradient(y, p), numerical_gradient(lambda: loss(y, p), p)) < 1e-7


@pytest.mark.parametrize("name", ["mse", "binary_crossentropy", "categorical_crossentropy",
                                  "sparse_categorical_crossentropy"])
def test_sample_weight_value_per_sample_and_gradient(name):
    shape = (6, 1) if name == "binary_crossentropy" else (6, 3)
    loss = losses.get(name)
    y = _labels(name, shape)
    p = RNG.uniform(0.1, 0.9, size=shape)
    w = RNG.uniform(0.0, 3.0, size=6)
    per_sample = loss.per_sample(y, p)
    assert per_sample.shape == (6,) and np.mean(per_sample) == pytest.approx(loss(y, p))
    assert loss(y, p, sample_weight=w) == pytest.approx(np.sum(w * per_sample) / 6)  # "sum_over_batch_size"
    numerical = numerical_gradient(lambda: loss(y, p, sample_weight=w), p)
    assert rel_error(loss.gradient(y, p, sample_weight=w), numerical) < 1e-7
    with pytest.raises(ValueError, match=r"sample_weight must have shape \(6,\)"):
        loss(y, p, sample_weight=w[:4])


@pytest.mark.parametrize("name, keras_name", [("mse", "MeanSquaredError"),
                                              ("binary_crossentropy", "BinaryCrossentropy"),
                                              ("categorical_crossentropy", "CategoricalCrossentropy"),
                                              ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy")])
def test_values_and_weighted_values_match_keras(name, keras_name):
    from keras_reference import keras_or_skip
    keras = keras_or_skip()
    shape = (6, 1) if name == "binary_crossentropy" else (6, 3)
    y = _labels(name, shape)
    p = RNG.uniform(0.05, 1.5 if name == "categorical_crossentropy" else 0.95, size=shape)  # unnormalised rows
    w = RNG.uniform(0.0, 3.0, size=6)
    theirs = getattr(keras.losses, keras_name)(dtype="float64")
    loss = losses.get(name)
    # Keras' losses compute in float32 on the torch backend even for float64 inputs: compare to 1e-6
    assert loss(y, p) == pytest.approx(float(theirs(y, p)), rel=1e-6)
    assert loss(y, p, sample_weight=w) == pytest.approx(float(theirs(y, p, sample_weight=w)), rel=1e-6)
    per_sample = getattr(keras.losses, "mean_squared_error" if name == "mse" else name)(y, p)
    np.testing.assert_allclose(loss.per_sample(y, p), keras.ops.convert_to_numpy(per_sample), rtol=1e-6)


@pytest.mark.parametrize("name", ["mse", "binary_crossentropy"])
def test_one_dimensional_labels_are_one_sample_each(name):
    """A vector of n labels is n samples: per-sample losses of shape (n,), weights per entry (chapter 5 does this)."""
    loss = losses.get(name)
    y, p = np.array([1.0, 0.0, 1.0]), np.array([0.9, 0.2, 0.4])
    per_sample = loss.per_sample(y, p)
    assert per_sample.shape == (3,)
    assert np.isclose(loss(y, p), per_sample.mean())
    assert np.isclose(loss(y, p, sample_weight=[1.0, 0.0, 0.0]), per_sample[0] / 3)
    assert np.allclose(loss.per_sample(y[:, None], p[:, None]), per_sample)


# Keras' other built-in losses: (dlcore name, keras.losses function, y_true, y_pred), kinks avoided
def _keras_style_cases():
    rng = np.random.default_rng(1)
    e = rng.choice([-1, 1], size=(6, 4)) * rng.uniform(0.1, 2.5, size=(6, 4))
    e[np.abs(np.abs(e) - 1.0) < 0.05] += 0.1  # away from huber's kink at |e| = delta
    y_reg = rng.normal(size=(6, 4))
    y_pm = rng.choice([-1.0, 1.0], size=(6, 4))
    margin = rng.uniform(-1.5, 3.0, size=(6, 4))
    margin[np.abs(margin - 1.0) < 0.05] = 0.5  # away from hinge's kink at margin 1
    y_dist = rng.dirichlet(np.ones(4), size=6)
    y_dist[0, 1] = 0.0  # a zero probability: Keras clips it to EPSILON
    p_dist = rng.dirichlet(np.ones(4), size=6)
    counts = rng.poisson(3.0, size=(6, 4)).astype(float)
    return {
        "mae": (y_reg, y_reg + e),
        "huber": (y_reg, y_reg + e),
        "hinge": (y_pm, margin * y_pm),  # y * y_pred = margin
        "hinge_01": ((y_pm + 1) / 2, margin * y_pm),  # 0/1 labels become -1/1
        "kld": (y_dist, p_dist),
        "poisson": (counts, rng.uniform(0.5, 6.0, size=(6, 4))),
        "msle": (np.abs(y_reg) * 3, rng.uniform(0.0, 4.0, size=(6, 4))),
    }


KERAS_FUNCTIONS = {"mae": "mean_absolute_error", "huber": "huber", "hinge": "hinge", "hinge_01": "hinge",
                   "kld": "kl_divergence", "poisson": "poisson", "msle": "mean_squared_logarithmic_error"}


@pytest.mark.parametrize("case", sorted(KERAS_FUNCTIONS))
def test_more_losses_match_keras_per_sample_and_value(case):
    from keras_reference import assert_close_to_keras, keras_or_skip
    keras = keras_or_skip()
    y, p = _keras_style_cases()[case]
    loss = losses.get(case.removesuffix("_01"))
    theirs = keras.ops.convert_to_numpy(getattr(keras.losses, KERAS_FUNCTIONS[case])(y, p))
    assert_close_to_keras(f"losses.{case} per_sample", loss.per_sample(y, p), theirs)
    assert_close_to_keras(f"losses.{case} value", loss(y, p), np.mean(theirs))
    keras_class = {"mae": "MeanAbsoluteError", "huber": "Huber", "hinge": "Hinge", "kld": "KLDivergence",
                   "poisson": "Poisson", "msle": "MeanSquaredLogarithmicError"}[case.removesuffix("_01")]
    w = np.linspace(0.0, 2.0, len(y))
    weighted = keras.ops.convert_to_numpy(getattr(keras.losses, keras_class)(dtype="float64")(y, p, sample_weight=w))
    assert_close_to_keras(f"losses.{case} weighted", loss(y, p, sample_weight=w), weighted)


@pytest.mark.parametrize("case", sorted(KERAS_FUNCTIONS))
def test_more_losses_gradient_matches_numerical(case):
    y, p = _keras_style_cases()[case]
    loss = losses.get(case.removesuffix("_01"))
    w = np.linspace(0.5, 2.0, len(y))
    for weights in (None, w):
        numerical = numerical_gradient(lambda weights=weights: loss(y, p, sample_weight=weights), p)
        assert np.abs(numerical).max() > 0
        assert rel_error(loss.gradient(y, p, sample_weight=weights), numerical) < 1e-7


def test_huber_delta_and_known_values():
    y, p = np.array([[0.0, 0.0]]), np.array([[0.5, 3.0]])
    assert losses.get("huber")(y, p) == pytest.approx((0.5 * 0.25 + (3.0 - 0.5)) / 2)
    assert losses.Huber(delta=2.0)(y, p) == pytest.approx((0.5 * 0.25 + (2.0 * 3.0 - 2.0)) / 2)
    assert losses.get("mae")(y, p) == pytest.approx(1.75)
    assert losses.get("hinge")(np.array([[1.0, -1.0]]), np.array([[0.25, 2.0]])) == pytest.approx((0.75 + 3.0) / 2)
    with pytest.raises(ValueError, match="delta must be a positive"):
        losses.Huber(delta=0.0)


def test_long_and_short_names():
    for short, long in [("mae", "mean_absolute_error"), ("kld", "kl_divergence"),
                        ("msle", "mean_squared_logarithmic_error")]:
        assert type(losses.get(short)) is type(losses.get(long))
    assert isinstance(losses.get("poisson"), losses.Poisson)
    assert isinstance(losses.get("hinge"), losses.Hinge)
