"""Data preparation: a train/test split, standardization fitted on the training set, one-hot labels.

Names and behaviour follow scikit-learn (``train_test_split``, ``StandardScaler``) and Keras
(``to_categorical``). The rule they support: split first, then fit any statistics on the
training part only, so nothing about the test set leaks into training.
"""

from __future__ import annotations

import math

import numpy as np

from .random import rng_for as _rng


class NotFittedError(RuntimeError, ValueError):
    """Raised when a scaler is used before ``fit``; an ``except`` on RuntimeError or ValueError catches it."""


def _test_count(test_size, n: int) -> int:
    """Number of test rows for ``test_size`` (a fraction in (0, 1) or a count), leaving >= 1 row on each side."""
    if isinstance(test_size, (float, np.floating)) and 0 < test_size < 1:
        n_test = math.ceil(float(test_size) * n)  # ceil like scikit-learn: 0.2 of 601 rows -> 121 test rows
    elif isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool) and test_size >= 1:
        n_test = int(test_size)
    else:
        raise ValueError(f"train_test_split: test_size must be a fraction in (0, 1) or a positive integer count, "
                         f"got {test_size!r}")
    if n_test >= n:
        raise ValueError(f"train_test_split: test_size={test_size!r} leaves no training rows out of {n}")
    return n_test


def _stratified_test_rows(labels: np.ndarray, n_test: int, rng: np.random.Generator) -> np.ndarray:
    """Pick ``n_test`` row indices so that every class keeps its share (largest-remainder rounding)."""
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    if counts.min() < 2:
        raise ValueError(f"train_test_split: class {classes[counts.argmin()]!r} has only 1 member; "
                         "stratify needs at least 2 per class")
    exact = n_test * counts / counts.sum()
    per_class = np.floor(exact).astype(int)
    # hand the rows lost to rounding down to the classes with the largest fractional parts
    per_class[np.argsort(per_class - exact, kind="stable")[: n_test - per_class.sum()]] += 1
    rows = [rng.permutation(np.flatnonzero(inverse == c))[:k] for c, k in enumerate(per_class)]
    return np.concatenate(rows)


def train_test_split(*arrays, test_size: float | int = 0.2, seed: int | None = None, shuffle: bool = True,
                     stratify=None) -> list[np.ndarray]:
    """Split arrays into random train and test parts along their first axis.

    Parameters
    ----------
    *arrays : array-likes
        One or more arrays with the same length ``n`` (e.g. ``X (n, ...)`` and ``y (n, ...)``).
    test_size : float or int
        Fraction of rows for the test part (rounded up), or their number.
    seed : int, optional
        Fixes the shuffling; ``None`` draws from :func:`dlcore.random.get_rng`.
    shuffle : bool
        If False, the test part is the last rows, in order (for data already in random order, or time series).
    stratify : array-like, optional
        Class labels of length ``n``; each class then has (nearly) the same share in both parts.

    Returns
    -------
    list of ndarray
        ``[a_train, a_test, b_train, b_test, ...]`` in the order of ``arrays`` (scikit-learn's order):
        ``X_train, X_test, y_train, y_test = train_test_split(X, y)``.
    """
    if not arrays:
        raise ValueError("train_test_split needs at least one array")
    arrays = [np.asarray(a) for a in arrays]
    for i, a in enumerate(arrays):
        if a.ndim == 0:
            raise ValueError(f"train_test_split: argument {i} is a scalar, expected an array of rows")
        if len(a) != len(arrays[0]):
            raise ValueError(f"train_test_split: arrays have different lengths: {len(arrays[0])} (argument 0) "
                             f"and {len(a)} (argument {i})")
    n = len(arrays[0])
    n_test = _test_count(test_size, n)
    if not shuffle:
        if stratify is not None:
            raise ValueError("train_test_split: stratify needs shuffle=True")
        train, test = np.arange(n - n_test), np.arange(n - n_test, n)
    else:
        rng = _rng(seed)
        if stratify is None:
            order = rng.permutation(n)
            test, train = order[:n_test], order[n_test:]
        else:
            labels = np.asarray(stratify)
            if labels.shape[:1] != (n,):
                raise ValueError(f"train_test_split: stratify has length {len(labels) if labels.ndim else 0}, "
                                 f"expected {n} labels (one per row)")
            labels = labels.reshape(n, -1)[:, 0] if labels.ndim > 1 and labels.shape[1] == 1 else labels
            if labels.ndim > 1:  # one-hot rows: stratify on the class index
                labels = labels.argmax(axis=1)
            test = rng.permutation(_stratified_test_rows(labels, n_test, rng))
            train = rng.permutation(np.setdiff1d(np.arange(n), test))
    return [part for a in arrays for part in (a[train], a[test])]


class StandardScaler:
    """Standardize features: ``(x - mean_) / scale_`` with statistics from the data given to ``fit``.

    Statistics are taken over the first (sample) axis, so ``X (n, features)`` gives ``mean_`` and
    ``scale_`` of shape ``(features,)``, and images ``(n, 8, 8)`` get one mean per pixel ``(8, 8)``.
    A feature that is constant in the training data gets ``scale_ = 1`` (it becomes 0, not NaN).
    Fit on the TRAINING data only, then transform both training and test data with it.

    Parameters
    ----------
    with_mean : bool
        Subtract the mean.
    with_std : bool
        Divide by the standard deviation (population, ``ddof=0``, like scikit-learn).

    Attributes
    ----------
    mean_, var_, scale_ : ndarray, shape ``X.shape[1:]``
        Set by ``fit`` (``mean_`` is zeros when ``with_mean=False``, ``scale_`` ones when ``with_std=False``).
    n_samples_seen_ : int
    """

    def __init__(self, with_mean: bool = True, with_std: bool = True):
        self.with_mean = with_mean
        self.with_std = with_std
        self.mean_ = self.var_ = self.scale_ = None
        self.n_samples_seen_ = 0

    @staticmethod
    def _check(X, what: str) -> np.ndarray:
        X = np.asarray(X)
        if X.ndim < 2:
            raise ValueError(f"StandardScaler.{what}: expected a 2-D array (samples, features), got shape {X.shape}; "
                             "use X.reshape(-1, 1) for a single feature")
        if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
            raise ValueError(f"StandardScaler.{what}: expected numbers, got dtype {X.dtype}")
        if not np.all(np.isfinite(X)):
            raise ValueError(f"StandardScaler.{what}: the data contain NaN or inf")
        return X

    def fit(self, X) -> StandardScaler:
        """Learn ``mean_`` and ``scale_`` from ``X (n, ...)``, which should be the training data only."""
        X = self._check(X, "fit")
        if len(X) == 0:
            raise ValueError("StandardScaler.fit: X has no rows")
        X64 = X.astype(np.float64)
        mean, var = X64.mean(axis=0), X64.var(axis=0)
        self.mean_ = mean if self.with_mean else np.zeros_like(mean)
        self.var_ = var
        # round-off makes a constant column's variance tiny instead of 0; treat it as constant too
        constant = var <= (len(X) * np.finfo(np.float64).eps * mean) ** 2
        self.scale_ = np.where(constant, 1.0, np.sqrt(var)) if self.with_std else np.ones_like(var)
        self.n_samples_seen_ = len(X)
        return self

    def _ready(self, X, what: str) -> tuple[np.ndarray, type]:
        if self.mean_ is None:
            raise NotFittedError(f"StandardScaler.{what} was called before fit: call fit (or fit_transform) on the "
                                 "TRAINING data first, then transform the test data with the same scaler")
        X = self._check(X, what)
        if X.shape[1:] != self.mean_.shape:
            raise ValueError(f"StandardScaler.{what}: X has shape {X.shape}, expected (n, *{self.mean_.shape}) "
                             f"as in fit")
        out_dtype = X.dtype if np.issubdtype(X.dtype, np.floating) else np.float64
        return X, out_dtype

    def transform(self, X) -> np.ndarray:
        """``(X - mean_) / scale_`` for ``X (n, ...)`` with the fitted feature shape; returns a new float array."""
        X, dtype = self._ready(X, "transform")
        return ((X - self.mean_) / self.scale_).astype(dtype, copy=False)

    def fit_transform(self, X) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, X) -> np.ndarray:
        """Undo :meth:`transform`: ``X * scale_ + mean_``."""
        X, dtype = self._ready(X, "inverse_transform")
        return (X * self.scale_ + self.mean_).astype(dtype, copy=False)

    def __repr__(self) -> str:
        return f"StandardScaler(with_mean={self.with_mean}, with_std={self.with_std})"


def to_categorical(x, num_classes: int | None = None, dtype=np.float64) -> np.ndarray:
    """One-hot encode integer class labels (as ``keras.utils.to_categorical``).

    Parameters
    ----------
    x : array-like of int, shape (n,) or (n, 1) or any shape
        Labels ``0 .. num_classes - 1``; floats are accepted only if they are whole numbers.
        A trailing axis of size 1 is dropped, as in Keras.
    num_classes : int, optional
        Defaults to ``max(x) + 1``.
    dtype : numpy dtype
        Dtype of the result.

    Returns
    -------
    ndarray, shape ``x.shape + (num_classes,)``
        1 at each label's position, 0 elsewhere.
    """
    y = np.asarray(x)
    if y.ndim > 1 and y.shape[-1] == 1:
        y = y[..., 0]
    if not (np.issubdtype(y.dtype, np.number) or y.dtype == bool):
        raise ValueError(f"to_categorical: labels must be integers, got dtype {y.dtype}")
    if y.size and (not np.all(np.isfinite(y)) or np.any(y != np.round(y))):
        raise ValueError(f"to_categorical: labels must be whole numbers, got e.g. {y[y != np.round(y)][:3]}")
    labels = y.astype(np.int64)
    if y.size and labels.min() < 0:
        raise ValueError(f"to_categorical: labels must be >= 0, got {labels.min()}")
    if num_classes is None:
        if not y.size:
            raise ValueError("to_categorical: cannot infer num_classes from empty labels; pass num_classes")
        num_classes = int(labels.max()) + 1
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"to_categorical: num_classes must be a positive integer, got {num_classes!r}")
    if y.size and labels.max() >= num_classes:
        raise ValueError(f"to_categorical: label {labels.max()} is out of range for num_classes={num_classes} "
                         f"(labels must be 0 .. {num_classes - 1})")
    return np.eye(num_classes, dtype=dtype)[labels]
