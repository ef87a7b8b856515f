"""Metrics reported by ``fit``/``evaluate``: accuracy in its three flavours, top-k accuracy, MSE and MAE.

Each metric is ``metric(y_true, y_pred) -> float`` (mean over the batch) with a per-sample
version in ``PER_SAMPLE`` (what ``fit`` averages, weighted by ``sample_weight`` as Keras does).
``get("accuracy", y_true, y_pred)`` picks the flavour from the SHAPES of the labels and outputs,
exactly as Keras 3 does (``keras/src/trainers/compile_utils.py``), not from the loss:

- outputs with a last axis of 1 → binary accuracy (threshold 0.5);
- labels of lower rank than the outputs, or labels ``(..., 1)`` for outputs ``(..., K>1)`` → sparse
  categorical accuracy;
- otherwise → categorical accuracy (argmax of labels against argmax of outputs).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _same_rank(y_true, y_pred):
    """Arrays, ``y_true`` reshaped like ``y_pred`` when only a trailing axis of 1 differs."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        y_true = y_true[..., None]
    elif y_pred.ndim == y_true.ndim - 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return y_true, y_pred


def _per_sample(values: np.ndarray) -> np.ndarray:
    """Mean over every axis but the first: shape ``(batch,)``."""
    return values.reshape(len(values), -1).mean(axis=1) if values.ndim > 1 else values.astype(np.float64)


def binary_accuracy_per_sample(y_true, y_pred, threshold: float = 0.5) -> np.ndarray:
    """``(batch,)`` fraction of entries where ``y_pred > threshold`` equals the 0/1 label."""
    y_true, y_pred = _same_rank(y_true, y_pred)
    return _per_sample((y_true == (y_pred > threshold)).astype(np.float64))


def categorical_accuracy_per_sample(y_true, y_pred) -> np.ndarray:
    """``(batch,)`` 1.0 where ``argmax(y_pred)`` equals ``argmax(y_true)`` (one-hot labels), else 0.0."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return _per_sample((np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)).astype(np.float64))


def sparse_categorical_accuracy_per_sample(y_true, y_pred) -> np.ndarray:
    """``(batch,)`` 1.0 where ``argmax(y_pred)`` equals the integer label, else 0.0."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return _per_sample((np.argmax(y_pred, axis=-1) == y_true).astype(np.float64))


def _in_top_k(labels: np.ndarray, y_pred: np.ndarray, k: int, name: str) -> np.ndarray:
    """Whether each integer label's score is among the ``k`` highest of its row of ``y_pred`` ``(..., K)``.

    Ties count in the label's favour, as in Keras' ``ops.in_top_k``: the label is in the top k when fewer
    than ``k`` classes score strictly higher.
    """
    if not (isinstance(k, (int, np.integer)) and k >= 1):
        raise ValueError(f"{name}: k must be a positive integer, got {k!r}")
    if labels.shape != y_pred.shape[:-1]:
        raise ValueError(f"{name}: labels have shape {labels.shape} but y_pred has shape {y_pred.shape}; "
                         f"expected labels of shape {y_pred.shape[:-1]}")
    target_score = np.take_along_axis(y_pred, labels.astype(np.int64)[..., None], axis=-1)
    return np.sum(y_pred > target_score, axis=-1) < k


def top_k_categorical_accuracy_per_sample(y_true, y_pred, k: int = 5) -> np.ndarray:
    """``(batch,)`` 1.0 where ``argmax(y_true)`` (one-hot labels) is among the ``k`` highest scores of ``y_pred``."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    labels = np.argmax(y_true, axis=-1)
    return _per_sample(_in_top_k(labels, y_pred, k, "top_k_categorical_accuracy").astype(np.float64))


def sparse_top_k_categorical_accuracy_per_sample(y_true, y_pred, k: int = 5) -> np.ndarray:
    """``(batch,)`` 1.0 where the integer label is among the ``k`` highest scores of ``y_pred``, else 0.0."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return _per_sample(_in_top_k(y_true, y_pred, k, "sparse_top_k_categorical_accuracy").astype(np.float64))


def mean_squared_error_per_sample(y_true, y_pred) -> np.ndarray:
    """``(batch,)`` mean of ``(y_true - y_pred)**2`` over each sample's entries."""
    y_true, y_pred = _same_rank(y_true, y_pred)
    return _per_sample((y_pred - y_true) ** 2)


def mean_absolute_error_per_sample(y_true, y_pred) -> np.ndarray:
    """``(batch,)`` mean of ``|y_true - y_pred|`` over each sample's entries."""
    y_true, y_pred = _same_rank(y_true, y_pred)
    return _per_sample(np.abs(y_pred - y_true))


def binary_accuracy(y_true, y_pred, threshold: float = 0.5) -> float:
    """Fraction of entries where ``y_pred > threshold`` equals the 0/1 label."""
    return float(np.mean(binary_accuracy_per_sample(y_true, y_pred, threshold)))


def categorical_accuracy(y_true, y_pred) -> float:
    """Fraction of rows where ``argmax(y_pred)`` equals ``argmax(y_true)`` (one-hot labels)."""
    return float(np.mean(categorical_accuracy_per_sample(y_true, y_pred)))


def sparse_categorical_accuracy(y_true, y_pred) -> float:
    """Fraction of rows where ``argmax(y_pred)`` equals the integer label."""
    return float(np.mean(sparse_categorical_accuracy_per_sample(y_true, y_pred)))


def top_k_categorical_accuracy(y_true, y_pred, k: int = 5) -> float:
    """Fraction of rows whose one-hot label is among the ``k`` highest scores (Keras' default ``k=5``)."""
    return float(np.mean(top_k_categorical_accuracy_per_sample(y_true, y_pred, k)))


def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5) -> float:
    """Fraction of rows whose integer label is among the ``k`` highest scores (Keras' default ``k=5``)."""
    return float(np.mean(sparse_top_k_categorical_accuracy_per_sample(y_true, y_pred, k)))


def mean_squared_error(y_true, y_pred) -> float:
    """``mean((y_true - y_pred)**2)``."""
    return float(np.mean(mean_squared_error_per_sample(y_true, y_pred)))


def mean_absolute_error(y_true, y_pred) -> float:
    """``mean(|y_true - y_pred|)``."""
    return float(np.mean(mean_absolute_error_per_sample(y_true, y_pred)))


PER_SAMPLE: dict[Callable, Callable] = {
    binary_accuracy: binary_accuracy_per_sample, categorical_accuracy: categorical_accuracy_per_sample,
    sparse_categorical_accuracy: sparse_categorical_accuracy_per_sample,
    top_k_categorical_accuracy: top_k_categorical_accuracy_per_sample,
    sparse_top_k_categorical_accuracy: sparse_top_k_categorical_accuracy_per_sample,
    mean_squared_error: mean_squared_error_per_sample, mean_absolute_error: mean_absolute_error_per_sample,
}

_TABLE: dict[str, Callable] = {
    "binary_accuracy": binary_accuracy, "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
    "mse": mean_squared_error, "mean_squared_error": mean_squared_error,
    "mae": mean_absolute_error, "mean_absolute_error": mean_absolute_error,
}


def accuracy_for(y_true_shape: tuple, y_pred_shape: tuple) -> Callable:
    """The accuracy Keras 3 picks for ``"accuracy"`` given the label and output shapes."""
    if y_pred_shape[-1] == 1:
        return binary_accuracy
    if len(y_true_shape) < len(y_pred_shape) or (y_true_shape[-1] == 1 and y_pred_shape[-1] > 1):
        return sparse_categorical_accuracy
    return categorical_accuracy


def get(name, y_true=None, y_pred=None) -> Callable:
    """Return the metric called ``name`` (or ``name`` itself if it is callable).

    ``"accuracy"``/``"acc"`` needs example ``y_true`` and ``y_pred`` (arrays or shapes) to pick the
    flavour, see :func:`accuracy_for`.
    """
    if callable(name):
        return name
    if isinstance(name, str) and name.lower() in ("accuracy", "acc"):
        if y_true is None or y_pred is None:
            raise ValueError("metrics.get('accuracy') needs y_true and y_pred (or their shapes) to choose between "
                             "binary, categorical and sparse categorical accuracy, as Keras does")
        return accuracy_for(_shape_of(y_true), _shape_of(y_pred))
    if isinstance(name, str) and name.lower() in _TABLE:
        return _TABLE[name.lower()]
    raise ValueError(f"unknown metric {name!r}; expected 'accuracy' or one of {sorted(_TABLE)}")


def per_sample(metric: Callable, y_true, y_pred) -> np.ndarray:
    """``(batch,)`` values of ``metric`` (for a user function returning a float: that float for every sample)."""
    if metric in PER_SAMPLE:
        return PER_SAMPLE[metric](y_true, y_pred)
    values = np.asarray(metric(y_true, y_pred), dtype=np.float64)
    return np.broadcast_to(values.mean() if values.ndim == 0 else _per_sample(values), (len(y_pred),))


def _shape_of(a) -> tuple:
    return tuple(a) if isinstance(a, tuple) else np.shape(a)
