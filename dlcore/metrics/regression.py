"""Regression metrics: mean squared error and mean absolute error."""

from __future__ import annotations

import numpy as np

from .base import mean_per_sample, same_rank


def mean_squared_error_per_sample(y_true, y_pred) -> np.ndarray:
    """``(batch,)`` mean of ``(y_true - y_pred)**2`` over each sample's entries."""
    y_true, y_pred = same_rank(y_true, y_pred)
    return mean_per_sample((y_pred - y_true) ** 2)


def mean_absolute_error_per_sample(y_true, y_pred) -> np.ndarray:
    """``(batch,)`` mean of ``|y_true - y_pred|`` over each sample's entries."""
    y_true, y_pred = same_rank(y_true, y_pred)
    return mean_per_sample(np.abs(y_pred - y_true))


def mean_squared_error(y_true, y_pred) -> float:
    """``mean((y_true - y_pred)**2)``."""
    return float(np.mean(mean_squared_error_per_sample(y_true, y_pred)))


def mean_absolute_error(y_true, y_pred) -> float:
    """``mean(|y_true - y_pred|)``."""
    return float(np.mean(mean_absolute_error_per_sample(y_true, y_pred)))
