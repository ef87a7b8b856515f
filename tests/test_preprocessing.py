"""Tests for dlcore.preprocessing: train_test_split, StandardScaler, to_categorical."""

import numpy as np
import pytest

from dlcore.preprocessing import NotFittedError, StandardScaler, to_categorical, train_test_split
from dlcore.random import set_seed


def rows(n=100):
    """X whose rows encode their index, and y = index, so alignment can be checked."""
    idx = np.arange(n)
    return np.stack([idx, 10 * idx], axis=1).astype(np.float64), idx


# ---------------------------------------------------------------- train_test_split
@pytest.mark.parametrize("n, test_size, n_test", [(600, 0.2, 120), (601, 0.2, 121), (10, 0.25, 3), (50, 7, 7)])
def test_split_sizes(n, test_size, n_test):
    X, y = rows(n)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, seed=0)
    assert len(X_test) == len(y_test) == n_test and len(X_train) == len(y_train) == n - n_test


def test_split_keeps_rows_aligned_disjoint_and_complete():
    X, y = rows(100)
    X_train, X_test, y_train, y_test = train_test_split(X, y, seed=1)
    np.testing.assert_array_equal(X_train[:, 0], y_train)
    np.testing.assert_array_equal(X_test[:, 1], 10 * y_test)
    assert sorted(np.concatenate([y_train, y_test])) == list(range(100))
    assert not np.array_equal(y_test, np.arange(80, 100))  # shuffled


def test_split_is_deterministic_and_follows_set_seed():
    X, y = rows(50)
    a = train_test_split(X, y, seed=5)
    b = train_test_split(X, y, seed=5)
    c = train_test_split(X, y, seed=6)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[3], c[3])
    set_seed(2)
    d = train_test_split(y)
    set_seed(2)
    e = train_test_split(y)
    np.testing.assert_array_equal(d[1], e[1])


def test_split_without_shuffle_takes_the_last_rows():
    X, y = rows(10)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, shuffle=False)
    np.testing.assert_array_equal(y_train, np.arange(7))
    np.testing.assert_array_equal(y_test, [7, 8, 9])


def test_split_one_three_arrays_and_lists():
    out = train_test_split([1, 2, 3, 4, 5], seed=0)
    assert len(out) == 2 and isinstance(out[0], np.ndarray) and len(out[1]) == 1
    X, y = rows(20)
    w = -y
    X_train, X_test, y_train, y_test, w_train, w_test = train_test_split(X, y, w, seed=0)
    np.testing.assert_array_equal(w_train, -y_train)
    np.testing.assert_array_equal(w_test, -y_test)


def test_split_length_mismatch_names_both_lengths():
    with pytest.raises(ValueError, match=r"100.*99"):
        train_test_split(np.zeros((100, 2)), np.zeros(99))


@pytest.mark.parametrize("test_size", [0, 0.0, 1.0, 1.5, -0.2, 100, 250, True, "0.2"])
def test_split_bad_test_size(test_size):
    with pytest.raises(ValueError, match="test_size"):
        train_test_split(np.zeros(100), test_size=test_size)


def test_split_needs_an_array():
    with pytest.raises(ValueError):
        train_test_split()
    with pytest.raises(ValueError, match="scalar"):
        train_test_split(3.0)


def test_stratified_split_keeps_class_shares():
    y = np.array([0] * 90 + [1] * 10)
    X = np.arange(100)
    for seed in range(5):
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=seed, stratify=y)
        assert np.bincount(y_test).tolist() == [18, 2]
        assert np.bincount(y_train).tolist() == [72, 8]
        np.testing.assert_array_equal(y[X_test], y_test)
    y3 = np.repeat([0, 1, 2], [40, 35, 25])  # shares 8, 7, 5 of 20 test rows
    _, y_test = train_test_split(y3, test_size=0.2, seed=0, stratify=y3)
    assert np.bincount(y_test).tolist() == [8, 7, 5]
    y_odd = np.repeat([0, 1, 2], [34, 33, 33])  # exact shares 6.8, 6.6, 6.6 -> 7, 7, 6 or 7, 6, 7
    _, y_test = train_test_split(y_odd, test_size=0.2, seed=0, stratify=y_odd)
    counts = np.bincount(y_test)
    assert counts.sum() == 20 and counts[0] == 7 and sorted(counts[1:]) == [6, 7]


def test_stratify_one_hot_labels():
    y = np.eye(2)[np.array([0] * 80 + [1] * 20)]
    _, y_test = train_test_split(y, test_size=0.25, seed=0, stratify=y)
    assert y_test.sum(axis=0).tolist() == [20, 5]


def test_stratify_errors():
    y = np.array([0, 0, 0, 1, 1, 1, 2])
    with pytest.raises(ValueError, match="only 1 member"):
        train_test_split(y, stratify=y, seed=0)
    with pytest.raises(ValueError, match="shuffle"):
        train_test_split(y, stratify=y, shuffle=False)
    with pytest.raises(ValueError, match="stratify"):
        train_test_split(y, stratify=y[:5], seed=0)


# ---------------------------------------------------------------- StandardScaler
def test_scaler_standardizes_training_data():
    rng = np.random.default_rng(0)
    X = rng.normal([1.0, -5.0, 100.0], [0.5, 2.0, 30.0], size=(200, 3))
    Z = StandardScaler().fit_transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1, rtol=1e-12)


def test_scaler_uses_training_statistics_on_test_data():
    rng = np.random.default_rng(1)
    X_train, X_test = rng.normal(3, 2, size=(50, 4)), rng.normal(0, 1, size=(10, 4))
    sc = StandardScaler().fit(X_train)
    np.testing.assert_allclose(sc.mean_, X_train.mean(axis=0))
    np.testing.assert_allclose(sc.scale_, X_train.std(axis=0))
    np.testing.assert_allclose(sc.var_, X_train.var(axis=0))
    assert sc.n_samples_seen_ == 50
    np.testing.assert_allclose(sc.transform(X_test), (X_test - X_train.mean(0)) / X_train.std(0))
    np.testing.assert_allclose(sc.inverse_transform(sc.transform(X_test)), X_test, rtol=1e-12, atol=1e-12)


def test_scaler_constant_features_are_divided_by_one():
    X = np.c_[np.full(7, 0.1), np.arange(7.0), np.zeros(7)]
    sc = StandardScaler().fit(X)
    np.testing.assert_array_equal(sc.scale_[[0, 2]], 1.0)
    Z = sc.transform(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_allclose(Z[:, [0, 2]], 0.0, atol=1e-15)


def test_scaler_before_fit_says_fit_on_training_data():
    for method in (StandardScaler().transform, StandardScaler().inverse_transform):
        with pytest.raises(RuntimeError, match="fit.*TRAINING"):
            method(np.zeros((2, 2)))
        with pytest.raises(ValueError):
            method(np.zeros((2, 2)))
    assert issubclass(NotFittedError, RuntimeError) and issubclass(NotFittedError, ValueError)


def test_scaler_shape_and_input_checks():
    sc = StandardScaler().fit(np.random.default_rng(0).standard_normal((10, 3)))
    with pytest.raises(ValueError, match=r"\(5, 4\)"):
        sc.transform(np.zeros((5, 4)))
    with pytest.raises(ValueError, match="reshape"):
        StandardScaler().fit(np.arange(5.0))
    with pytest.raises(ValueError, match="NaN"):
        StandardScaler().fit(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match="no rows"):
        StandardScaler().fit(np.zeros((0, 3)))


def test_scaler_dtypes_and_images():
    X32 = np.random.default_rng(0).standard_normal((20, 3)).astype(np.float32)
    assert StandardScaler().fit_transform(X32).dtype == np.float32
    Xint = np.arange(12).reshape(6, 2)
    assert StandardScaler().fit_transform(Xint).dtype == np.float64
    imgs = np.random.default_rng(1).uniform(0, 16, size=(30, 8, 8))
    sc = StandardScaler().fit(imgs)
    assert sc.mean_.shape == (8, 8)
    np.testing.assert_allclose(sc.transform(imgs).mean(axis=0), 0, atol=1e-12)


def test_scaler_without_mean_or_std():
    X = np.array([[1.0, 2.0], [3.0, 6.0]])
    np.testing.assert_allclose(StandardScaler(with_mean=False).fit_transform(X), X / X.std(axis=0))
    np.testing.assert_allclose(StandardScaler(with_std=False).fit_transform(X), X - X.mean(axis=0))
    assert "with_mean=False" in repr(StandardScaler(with_mean=False))


def test_scaler_matches_sklearn():
    sklearn_preprocessing = pytest.importorskip("sklearn.preprocessing")
    X = np.random.default_rng(2).normal(5, 3, size=(40, 5))
    X[:, 2] = 7.0
    np.testing.assert_allclose(StandardScaler().fit_transform(X),
                               sklearn_preprocessing.StandardScaler().fit_transform(X), atol=1e-12)


# ---------------------------------------------------------------- to_categorical
def test_to_categorical_basic():
    out = to_categorical([0, 2, 1, 2])
    np.testing.assert_array_equal(out, [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]])
    assert out.dtype == np.float64
    assert to_categorical([1], num_classes=4).tolist() == [[0, 1, 0, 0]]
    assert to_categorical(np.array([[0], [1]])).shape == (2, 2)  # trailing axis of 1 dropped (Keras)
    assert to_categorical(np.array([[0, 1, 2], [2, 1, 0]])).shape == (2, 3, 3)
    np.testing.assert_array_equal(to_categorical(np.array([1.0, 0.0])), [[0, 1], [1, 0]])
    assert to_categorical([1, 0], dtype=np.float32).dtype == np.float32
    assert to_categorical([], num_classes=3).shape == (0, 3)


@pytest.mark.parametrize("y, num_classes, match", [
    ([0, -1, 2], None, ">= 0"),
    ([0.5, 1.0], None, "whole"),
    ([np.nan], None, "whole"),
    (["a", "b"], None, "integers"),
    ([0, 3], 3, "out of range"),
    ([0, 1], 0, "num_classes"),
    ([], None, "num_classes"),
])
def test_to_categorical_bad_labels(y, num_classes, match):
    with pytest.raises(ValueError, match=match):
        to_categorical(y, num_classes)
