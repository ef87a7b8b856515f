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


# ----------------------------------------------------------------------------- Keras' options
# label_smoothing, axis, ignore_class, reduction and name, each computed as Keras 3 computes it.
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", None, "none"]


def _keras_value_and_gradient(keras, loss, y, p, sample_weight=None):
    """A Keras loss's output (reduced or not) and the gradient of its sum with respect to ``y_pred``."""
    import torch
    t = torch.tensor(p, requires_grad=True)  # torch.tensor copies: Keras may scale the weights in place
    out = loss(torch.tensor(y), t, sample_weight=None if sample_weight is None else torch.tensor(sample_weight))
    out.sum().backward()
    return keras.ops.convert_to_numpy(out.detach()), t.grad.numpy()


def _smoothing_data(kind, from_logits, shape=(6, 4)):
    r = np.random.default_rng(11)
    if kind == "Binary":
        y = r.integers(0, 2, size=shape).astype(float)
        p = r.normal(scale=2, size=shape) if from_logits else r.uniform(0.05, 0.95, size=shape)
    else:
        y = np.eye(shape[-1])[r.integers(0, shape[-1], size=shape[:-1])]
        p = r.normal(scale=2, size=shape) if from_logits else r.uniform(0.05, 1.0, size=shape)  # rows not summing to 1
    return y, p


@pytest.mark.parametrize("kind", ["Binary", "Categorical"])
@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("smoothing", [0.1, 0.35])
def test_label_smoothing_value_and_gradient_match_keras(kind, from_logits, smoothing):
    from keras_reference import assert_close_to_keras, keras_or_skip
    keras = keras_or_skip()
    y, p = _smoothing_data(kind, from_logits)
    w = np.linspace(0.2, 1.8, len(y))
    cls = f"{kind}Crossentropy"
    ours = getattr(losses, cls)(from_logits=from_logits, label_smoothing=smoothing)
    theirs = getattr(keras.losses, cls)(from_logits=from_logits, label_smoothing=smoothing)
    for weights in (None, w):
        value, grad = _keras_value_and_gradient(keras, theirs, y, p, weights)
        assert_close_to_keras(f"{cls}(label_smoothing={smoothing}) value", ours(y, p, sample_weight=weights), value)
        assert_close_to_keras(f"{cls}(label_smoothing={smoothing}) gradient",
                              ours.gradient(y, p, sample_weight=weights), grad)
    # the Keras function form (one loss per sample) is dlcore's per_sample
    per_sample = getattr(keras.losses, f"{kind.lower()}_crossentropy")(y, p, from_logits=from_logits,
                                                                      label_smoothing=smoothing)
    assert_close_to_keras(f"{cls} per_sample", ours.per_sample(y, p), keras.ops.convert_to_numpy(per_sample))


@pytest.mark.parametrize("kind", ["Binary", "Categorical"])
@pytest.mark.parametrize("from_logits", [False, True])
def test_label_smoothing_gradient_matches_numerical(kind, from_logits):
    y, p = _smoothing_data(kind, from_logits, shape=(5, 3))
    loss = getattr(losses, f"{kind}Crossentropy")(from_logits=from_logits, label_smoothing=0.2)
    assert rel_error(loss.gradient(y, p), numerical_gradient(lambda: loss(y, p), p)) < 1e-7
    assert loss(y, p) != pytest.approx(getattr(losses, f"{kind}Crossentropy")(from_logits=from_logits)(y, p))


def test_label_smoothing_is_a_mixture_of_the_targets():
    y, p = np.array([[0.0, 1.0, 0.0]]), np.array([[0.2, 0.5, 0.3]])
    eps = 0.3  # targets become 0.1, 0.8, 0.1
    expected = -(0.1 * np.log(0.2) + 0.8 * np.log(0.5) + 0.1 * np.log(0.3))
    assert losses.CategoricalCrossentropy(label_smoothing=eps)(y, p) == pytest.approx(expected)
    yb, pb = np.array([[1.0], [0.0]]), np.array([[0.9], [0.2]])  # targets become 0.85 and 0.15
    expected_b = -(0.85 * np.log(0.9) + 0.15 * np.log(0.1) + 0.15 * np.log(0.2) + 0.85 * np.log(0.8)) / 2
    assert losses.BinaryCrossentropy(label_smoothing=eps)(yb, pb) == pytest.approx(expected_b)


def test_label_smoothing_matches_torch_cross_entropy():
    """torch's CrossEntropyLoss(label_smoothing=eps) mixes a one-hot target with eps / K too: the same loss."""
    torch = pytest.importorskip("torch")
    z, labels = RNG.normal(size=(8, 5)), RNG.integers(0, 5, size=8)
    theirs = torch.nn.functional.cross_entropy(torch.tensor(z), torch.tensor(labels), label_smoothing=0.2).item()
    ours = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2)(np.eye(5)[labels], z)
    assert ours == pytest.approx(theirs, rel=1e-12)


@pytest.mark.parametrize("cls, from_logits", [("BinaryCrossentropy", False), ("CategoricalCrossentropy", True),
                                              ("CategoricalCrossentropy", False),
                                              ("SparseCategoricalCrossentropy", True)])
def test_axis_matches_keras(cls, from_logits):
    from keras_reference import assert_close_to_keras, keras_or_skip
    keras = keras_or_skip()
    r = np.random.default_rng(12)
    p = r.normal(size=(3, 4, 5)) if from_logits else r.uniform(0.05, 0.95, size=(3, 4, 5))
    if cls == "SparseCategoricalCrossentropy":
        y = r.integers(0, 4, size=(3, 5))  # classes on axis 1
    elif cls == "BinaryCrossentropy":
        y = r.integers(0, 2, size=p.shape).astype(float)
    else:
        y = np.moveaxis(np.eye(4)[r.integers(0, 4, size=(3, 5))], -1, 1)
    kwargs = {"from_logits": from_logits, "axis": 1}
    if cls != "SparseCategoricalCrossentropy":
        kwargs["label_smoothing"] = 0.1  # over the last axis's size, as Keras, whatever the axis
    ours, theirs = getattr(losses, cls)(**kwargs), getattr(keras.losses, cls)(**kwargs)
    value, grad = _keras_value_and_gradient(keras, theirs, y, p)
    assert_close_to_keras(f"{cls}(axis=1) value", ours(y, p), value)
    assert_close_to_keras(f"{cls}(axis=1) gradient", ours.gradient(y, p), grad)
    assert rel_error(ours.gradient(y, p), numerical_gradient(lambda: ours(y, p), p)) < 1e-7


def _ignore_data(from_logits, ignore, shape=(3, 5, 4)):
    r = np.random.default_rng(13)
    y = r.integers(0, shape[-1], size=shape[:-1])
    y.reshape(-1)[[3, 4, 6]] = ignore  # for sequences (3, 5): padding at the end of one, a step of another
    p = r.normal(scale=2, size=shape) if from_logits else r.uniform(0.05, 1.0, size=shape)
    return y, p


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("ignore", [-1, 0])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ignore_class_matches_keras(from_logits, ignore, reduction):
    from keras_reference import assert_close_to_keras, keras_or_skip
    keras = keras_or_skip()
    y, p = _ignore_data(from_logits, ignore)
    kwargs = {"from_logits": from_logits, "ignore_class": ignore, "reduction": reduction}
    ours = losses.SparseCategoricalCrossentropy(**kwargs)
    theirs = keras.losses.SparseCategoricalCrossentropy(**kwargs)
    w = np.linspace(0.5, 1.5, 15).reshape(3, 5)  # one weight per step
    for weights in (None, w):
        value, grad = _keras_value_and_gradient(keras, theirs, y, p, weights)
        what = f"ignore_class={ignore}, reduction={reduction!r}, weights: {weights is not None}"
        assert_close_to_keras(f"{what}: value", ours(y, p, sample_weight=weights), value)
        assert_close_to_keras(f"{what}: gradient", ours.gradient(y, p, sample_weight=weights), grad)


def test_ignore_class_gradient_and_meaning():
    y, p = _ignore_data(True, -1)
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    grad = loss.gradient(y, p)
    assert rel_error(grad, numerical_gradient(lambda: loss(y, p), p)) < 1e-7
    ignored = y == -1
    assert np.all(grad[ignored] == 0) and np.abs(grad[~ignored]).min() > 0
    plain = losses.SparseCategoricalCrossentropy(from_logits=True)
    assert loss(y, p) == pytest.approx(plain(y[~ignored], p[~ignored]))  # the mean over the kept entries
    p_zero = p.copy()
    p_zero[ignored] = 0.0  # whatever an ignored entry predicts, even a row of zero probabilities
    assert losses.SparseCategoricalCrossentropy(ignore_class=-1)(y, np.abs(p_zero)) == pytest.approx(
        losses.SparseCategoricalCrossentropy()(y[~ignored], np.abs(p[~ignored])))


def test_ignore_class_matches_torch_ignore_index():
    torch = pytest.importorskip("torch")
    y, z = _ignore_data(True, -1, shape=(12, 5))
    theirs = torch.nn.functional.cross_entropy(torch.tensor(z), torch.tensor(y), ignore_index=-1).item()
    assert losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)(y, z) == pytest.approx(
        theirs, rel=1e-12)


def _reduction_cases():
    r = np.random.default_rng(14)
    probs = r.dirichlet(np.ones(4), size=(3, 5))
    return {
        "MeanSquaredError": (r.normal(size=(6, 3)), r.normal(size=(6, 3)), np.linspace(0.0, 2.0, 6)),
        "Huber": (r.normal(size=(3, 5, 2)), 2 * r.normal(size=(3, 5, 2)), np.linspace(0.1, 2.0, 15).reshape(3, 5)),
        "BinaryCrossentropy": (r.integers(0, 2, size=(6, 1)).astype(float), r.uniform(0.05, 0.95, size=(6, 1)),
                               np.linspace(0.0, 2.0, 6)),
        "CategoricalCrossentropy": (np.eye(4)[r.integers(0, 4, size=(3, 5))], probs,
                                    np.linspace(0.1, 2.0, 15).reshape(3, 5)),
        "KLDivergence": (r.dirichlet(np.ones(4), size=6), r.dirichlet(np.ones(4), size=6), np.linspace(0.0, 2.0, 6)),
    }


@pytest.mark.parametrize("cls", sorted(_reduction_cases()))
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_reduction_matches_keras(cls, reduction):
    from keras_reference import assert_close_to_keras, keras_or_skip
    keras = keras_or_skip()
    y, p, w = _reduction_cases()[cls]
    ours, theirs = getattr(losses, cls)(reduction=reduction), getattr(keras.losses, cls)(reduction=reduction)
    for weights in (None, w):
        value, grad = _keras_value_and_gradient(keras, theirs, y, p, weights)
        what = f"{cls}(reduction={reduction!r}), weights: {weights is not None}"
        got = ours(y, p, sample_weight=weights)
        assert np.ndim(got) == np.ndim(value), f"{what}: a {np.ndim(got)}-d result, Keras {np.ndim(value)}-d"
        assert_close_to_keras(f"{what}: value", got, value)
        assert_close_to_keras(f"{what}: gradient", ours.gradient(y, p, sample_weight=weights), grad)
        numerical = numerical_gradient(lambda weights=weights: np.sum(ours(y, p, sample_weight=weights)), p)
        assert rel_error(ours.gradient(y, p, sample_weight=weights), numerical) < 1e-7


def test_reduction_meaning():
    y, p = np.zeros((4, 2)), np.array([[1.0, 1.0], [2.0, 2.0], [0.0, 0.0], [1.0, 3.0]])  # losses 1, 4, 0, 5
    w = np.array([1.0, 0.5, 2.0, 0.0])
    assert losses.MeanSquaredError()(y, p) == losses.MeanSquaredError(reduction="mean")(y, p) == pytest.approx(2.5)
    assert losses.MeanSquaredError(reduction="sum")(y, p) == pytest.approx(10.0)
    np.testing.assert_allclose(losses.MeanSquaredError(reduction=None)(y, p), [1.0, 4.0, 0.0, 5.0])
    np.testing.assert_allclose(losses.MeanSquaredError(reduction="none")(y, p, sample_weight=w), [1.0, 2.0, 0.0, 0.0])
    assert losses.MeanSquaredError(reduction="mean_with_sample_weight")(y, p, sample_weight=w) == pytest.approx(3 / 3.5)
    # every weight 0: Keras divides "no nan" and gets 0
    assert losses.MeanSquaredError(reduction="mean_with_sample_weight")(y, p, sample_weight=np.zeros(4)) == 0.0


def test_bad_options_raise_clear_errors():
    with pytest.raises(ValueError, match=r"reduction must be one of .*'sum_over_batch_size'.*got 'avg'"):
        losses.MeanSquaredError(reduction="avg")
    with pytest.raises(ValueError, match=r"label_smoothing must be a number in \[0, 1\], got 1.5"):
        losses.CategoricalCrossentropy(label_smoothing=1.5)
    with pytest.raises(ValueError, match="axis must be an int"):
        losses.BinaryCrossentropy(axis=True)
    with pytest.raises(ValueError, match=r"axis=2 is out of range for y_pred of shape \(4, 3\)"):
        losses.CategoricalCrossentropy(axis=2)(np.eye(3)[[0, 1, 2, 0]], np.full((4, 3), 1 / 3))
    with pytest.raises(ValueError, match="ignore_class must be an integer label or None"):
        losses.SparseCategoricalCrossentropy(ignore_class=0.5)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):  # labels other than the ignored one are still checked
        losses.SparseCategoricalCrossentropy(ignore_class=-1)(np.array([-1, 3]), np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="cross-entropies only"):
        losses.get("mse", from_logits=True)


def test_names_are_keras_defaults_and_can_be_given():
    from keras_reference import keras_or_skip
    keras = keras_or_skip()
    for cls in ("MeanSquaredError", "MeanAbsoluteError", "Huber", "MeanSquaredLogarithmicError", "Poisson", "Hinge",
                "KLDivergence", "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy"):
        assert getattr(losses, cls)().name == getattr(keras.losses, cls)().name
    loss = losses.BinaryCrossentropy(label_smoothing=0.1, name="smooth_bce", reduction="sum")
    assert loss.name == "smooth_bce"
    assert repr(loss) == ("BinaryCrossentropy(from_logits=False, label_smoothing=0.1, reduction='sum', "
                          "name='smooth_bce')")


def test_options_survive_saving(tmp_path):
    from dlcore import Sequential
    from dlcore.layers import Dense
    from dlcore.saving import load_model
    model = Sequential([Dense(3, activation="softmax", input_dim=2)])
    model.compile(optimizer="sgd", loss=losses.CategoricalCrossentropy(label_smoothing=0.2, name="smooth"))
    model.predict(np.zeros((1, 2)))  # builds it
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras").loss
    assert (type(loaded), loaded.label_smoothing, loaded.name) == (losses.CategoricalCrossentropy, 0.2, "smooth")


def test_a_loss_without_reduction_cannot_train():
    from dlcore import Sequential
    from dlcore.layers import Dense
    model = Sequential([Dense(1, input_dim=2)])
    with pytest.raises(ValueError, match="reduction=None.*training needs one number"):
        model.compile(optimizer="sgd", loss=losses.MeanSquaredError(reduction=None))
    model.compile(optimizer="sgd", loss=losses.MeanSquaredError(reduction="sum"))
    x, y = RNG.normal(size=(8, 2)), RNG.normal(size=(8, 1))
    before = model.evaluate(x, y, verbose=0)
    assert before == pytest.approx(np.sum((model.predict(x, verbose=0) - y) ** 2))  # "sum" over the batch
