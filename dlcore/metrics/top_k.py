"""Top-k accuracy: is the true class among the ``k`` highest scores? (one-hot or integer labels)."""

from __future__ import annotations

import numpy as np

from .base import mean_per_sample


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
    return mean_per_sample(_in_top_k(labels, y_pred, k, "top_k_categorical_accuracy").astype(np.float64))


def sparse_top_k_categorical_accuracy_per_sample(y_true, y_pred, k: int = 5) -> np.ndarray:
    """``(batch,)`` 1.0 where the integer label is among the ``k`` highest scores of ``y_pred``, else 0.0."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    name = "sparse_top_k_categorical_accuracy"
    return mean_per_sample(_in_top_k(y_true, y_pred, k, name).astype(np.float64))


def top_k_categorical_accuracy(y_true, y_pred, k: int = 5) -> float:
    """Fraction of rows whose one-hot label is among the ``k`` highest scores (Keras' default ``k=5``)."""
    return float(np.mean(top_k_categorical_accuracy_per_sample(y_true, y_pred, k)))


def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5) -> float:
    """Fraction of rows whose integer label is among the ``k`` highest scores (Keras' default ``k=5``)."""
    return float(np.mean(sparse_top_k_categorical_accuracy_per_sample(y_true, y_pred, k)))
