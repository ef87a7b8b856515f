"""Metrics reported by ``fit``/``evaluate``: accuracy, top-k accuracy, MSE, MAE, Precision, Recall, AUC.

Two kinds, as in Keras 3:

- functions ``metric(y_true, y_pred) -> float`` (mean over the batch), each with a per-sample
  version in ``PER_SAMPLE``: ``fit`` averages those over the epoch (weighted by ``sample_weight`` for
  ``weighted_metrics``), through :class:`MeanMetricWrapper`;
- stateful metric objects (:class:`Precision`, :class:`Recall`, :class:`AUC`) that accumulate
  confusion counts over the batches: the epoch's precision is ``TP / (TP + FP)`` over all its samples,
  not the mean of the per-batch precisions.

``fit`` and ``evaluate`` treat both alike, through Keras' protocol ``reset_state()``,
``update_state(y_true, y_pred, sample_weight=None)``, ``result()`` (:class:`Metric`).

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

from .accuracy import (
    accuracy_for,
    binary_accuracy,
    binary_accuracy_per_sample,
    categorical_accuracy,
    categorical_accuracy_per_sample,
    sparse_categorical_accuracy,
    sparse_categorical_accuracy_per_sample,
)
from .auc import AUC
from .base import MeanMetricWrapper, Metric, per_sample_values, snake_case
from .confusion import Precision, Recall
from .regression import (
    mean_absolute_error,
    mean_absolute_error_per_sample,
    mean_squared_error,
    mean_squared_error_per_sample,
)
from .top_k import (
    sparse_top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy_per_sample,
    top_k_categorical_accuracy,
    top_k_categorical_accuracy_per_sample,
)

__all__ = [
    "AUC", "MeanMetricWrapper", "Metric", "PER_SAMPLE", "Precision", "Recall", "accuracy_for", "as_metric",
    "binary_accuracy", "binary_accuracy_per_sample", "categorical_accuracy", "categorical_accuracy_per_sample",
    "get", "mean_absolute_error", "mean_absolute_error_per_sample", "mean_squared_error",
    "mean_squared_error_per_sample", "per_sample", "sparse_categorical_accuracy",
    "sparse_categorical_accuracy_per_sample", "sparse_top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy_per_sample", "top_k_categorical_accuracy",
    "top_k_categorical_accuracy_per_sample",
]

PER_SAMPLE: dict[Callable, Callable] = {
    binary_accuracy: binary_accuracy_per_sample, categorical_accuracy: categorical_accuracy_per_sample,
    sparse_categorical_accuracy: sparse_categorical_accuracy_per_sample,
    top_k_categorical_accuracy: top_k_categorical_accuracy_per_sample,
    sparse_top_k_categorical_accuracy: sparse_top_k_categorical_accuracy_per_sample,
    mean_squared_error: mean_squared_error_per_sample, mean_absolute_error: mean_absolute_error_per_sample,
}

_FUNCTIONS: dict[str, Callable] = {
    "binary_accuracy": binary_accuracy, "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
    "mse": mean_squared_error, "mean_squared_error": mean_squared_error,
    "mae": mean_absolute_error, "mean_absolute_error": mean_absolute_error,
}
_CLASSES: dict[str, type] = {"precision": Precision, "recall": Recall, "auc": AUC}


def get(identifier, y_true=None, y_pred=None):
    """Return the metric named ``identifier`` (or ``identifier`` itself if it is callable).

    A function for ``"accuracy"``, ``"mse"``, ...; a new :class:`Precision`, :class:`Recall` or
    :class:`AUC` object for ``"precision"``, ``"recall"``, ``"auc"`` (any capitalization, e.g. ``"AUC"``).
    ``"accuracy"``/``"acc"`` needs example ``y_true`` and ``y_pred`` (arrays or shapes) to pick the
    flavour, see ``accuracy_for``.
    """
    if callable(identifier):
        return identifier
    key = identifier.lower() if isinstance(identifier, str) else None
    if key in ("accuracy", "acc"):
        if y_true is None or y_pred is None:
            raise ValueError("metrics.get('accuracy') needs y_true and y_pred (or their shapes) to choose between "
                             "binary, categorical and sparse categorical accuracy, as Keras does")
        return accuracy_for(_shape_of(y_true), _shape_of(y_pred))
    if key in _FUNCTIONS:
        return _FUNCTIONS[key]
    if key in _CLASSES:
        return _CLASSES[key]()
    raise ValueError(f"unknown metric {identifier!r}; expected 'accuracy' or one of {sorted({*_FUNCTIONS, *_CLASSES})}")


def as_metric(metric) -> Metric:
    """A :class:`Metric` object for ``metric``: itself if it is one, a new one for a ``Metric`` class,
    or a function wrapped in :class:`MeanMetricWrapper` (named after it, as Keras)."""
    if isinstance(metric, Metric):
        return metric
    if isinstance(metric, type) and issubclass(metric, Metric):
        return metric()
    if callable(metric):
        return MeanMetricWrapper(metric, name=snake_case(getattr(metric, "__name__", type(metric).__name__)))
    raise ValueError(f"a metric must be a name, a function or a dlcore.metrics.Metric, got {metric!r}")


def per_sample(metric: Callable, y_true, y_pred) -> np.ndarray:
    """``(batch,)`` values of ``metric`` (for a user function returning a float: that float for every sample)."""
    if metric in PER_SAMPLE:
        return PER_SAMPLE[metric](y_true, y_pred)
    return per_sample_values(metric(y_true, y_pred), len(y_pred))


def _shape_of(a) -> tuple:
    return tuple(a) if isinstance(a, tuple) else np.shape(a)
