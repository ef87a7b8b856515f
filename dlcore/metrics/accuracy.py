"""Accuracy in its three flavours: binary (threshold 0.5), categorical (one-hot labels), sparse categorical.

Each comes as ``x_per_sample(y_true, y_pred) -> (batch,)`` (what ``fit`` averages, weighted as Keras
does) and as ``x(y_true, y_pred) -> float``, the mean over the batch.
"""

from __future__ import annotations

import numpy as np

from .base import mean_per_sample, same_rank


def binary_accuracy_per_sample(y_true, y_pred, threshold: float = 0.5) -> np.ndarray:
    """``(batch,)`` fraction of entries where ``y_pred > threshold`` equals the 0/1 label."""
    y_true, y_pred = same_rank(y_true, y_pred)
    return mean_per_sample((y_true == (y_pred > threshold)).astype(np.float64))


def categorical_accuracy_per_sample(y_true, y_pred) -> np.ndarray:
    """``(batch,)`` 1.0 where ``argmax(y_pred)`` equals ``argmax(y_true)`` (one-hot labels), else 0.0."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return mean_per_sample((np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)).astype(np.float64))


def sparse_categorical_accuracy_per_sample(y_true, y_pred) -> np.ndarray:
    """``(batch,)`` 1.0 where ``argmax(y_pred)`` equals the integer label, else 0.0."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return mean_per_sample((np.argmax(y_pred, axis=-1) == y_true).astype(np.float64))


def binary_accuracy(y_true, y_pred, threshold: float = 0.5) -> float:
    """Fraction of entries where ``y_pred > threshold`` equals the 0/1 label."""
    return float(np.mean(binary_accuracy_per_sample(y_true, y_pred, threshold)))


def categorical_accuracy(y_true, y_pred) -> float:
    """Fraction of rows where ``argmax(y_pred)`` equals ``argmax(y_true)`` (one-hot labels)."""
    return float(np.mean(categorical_accuracy_per_sample(y_true, y_pred)))


def sparse_categorical_accuracy(y_true, y_pred) -> float:
    """Fraction of rows where ``argmax(y_pred)`` equals the integer label."""
    return float(np.mean(sparse_categorical_accuracy_per_sample(y_true, y_pred)))


def accuracy_for(y_true_shape: tuple, y_pred_shape: tuple):
    """The accuracy Keras 3 picks for ``"accuracy"`` given the label and output shapes.

    - outputs with a last axis of 1 → binary accuracy (threshold 0.5);
    - labels of lower rank than the outputs, or labels ``(..., 1)`` for outputs ``(..., K>1)`` →
      sparse categorical accuracy;
    - otherwise → categorical accuracy (argmax of labels against argmax of outputs).
    """
    if y_pred_shape[-1] == 1:
        return binary_accuracy
    if len(y_true_shape) < len(y_pred_shape) or (y_true_shape[-1] == 1 and y_pred_shape[-1] > 1):
        return sparse_categorical_accuracy
    return categorical_accuracy
