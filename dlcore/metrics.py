"""Metrics reported by ``fit``/``evaluate``: accuracy in its three flavours, MSE and MAE.

Each metric is ``metric(y_true, y_pred) -> float`` (mean over the batch). ``get(name, loss)``
resolves ``"accuracy"`` the way Keras does: from the loss (binary, categorical or sparse).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import losses


def binary_accuracy(y_true, y_pred, threshold: float = 0.5) -> float:
    """Fraction of entries where ``y_pred > threshold`` equals the 0/1 label."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float(np.mean((y_pred > threshold) == (y_true.reshape(y_pred.shape) > 0.5)))


def categorical_accuracy(y_true, y_pred) -> float:
    """Fraction of rows where ``argmax(y_pred)`` equals ``argmax(y_true)`` (one-hot labels)."""
    return float(np.mean(np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)))


def sparse_categorical_accuracy(y_true, y_pred) -> float:
    """Fraction of rows where ``argmax(y_pred)`` equals the integer label."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim:
        y_true = y_true[..., 0]
    return float(np.mean(np.argmax(y_pred, axis=-1) == y_true))


def mean_squared_error(y_true, y_pred) -> float:
    """``mean((y_true - y_pred)**2)``."""
    return float(np.mean((np.asarray(y_pred) - np.asarray(y_true).reshape(np.shape(y_pred))) ** 2))


def mean_absolute_error(y_true, y_pred) -> float:
    """``mean(|y_true - y_pred|)``."""
    return float(np.mean(np.abs(np.asarray(y_pred) - np.asarray(y_true).reshape(np.shape(y_pred)))))


_TABLE: dict[str, Callable] = {
    "binary_accuracy": binary_accuracy, "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mse": mean_squared_error, "mean_squared_error": mean_squared_error,
    "mae": mean_absolute_error, "mean_absolute_error": mean_absolute_error,
}


def get(name, loss: losses.Loss | None = None) -> Callable:
    """Return the metric called ``name``; ``"accuracy"``/``"acc"`` picks the flavour that fits ``loss``."""
    if callable(name):
        return name
    if name in ("accuracy", "acc"):
        if isinstance(loss, losses.SparseCategoricalCrossentropy):
            return sparse_categorical_accuracy
        if isinstance(loss, losses.CategoricalCrossentropy):
            return categorical_accuracy
        if isinstance(loss, losses.BinaryCrossentropy) and loss.from_logits:
            return lambda y_true, y_pred: binary_accuracy(y_true, y_pred, threshold=0.0)
        return binary_accuracy
    if name in _TABLE:
        return _TABLE[name]
    raise ValueError(f"unknown metric {name!r}; expected 'accuracy' or one of {sorted(_TABLE)}")
