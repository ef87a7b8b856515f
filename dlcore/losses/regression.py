"""Regression losses: squared, absolute, Huber, squared-logarithmic and Poisson errors (Keras' formulas).

Each loss is the mean over the last axis (Keras' unreduced loss: one per sample for ``(batch, k)``, one
per step for ``(batch, steps, k)``), so the gradient of their mean is the elementwise derivative divided by
``y_pred.size``. Every class takes Keras' ``reduction`` and ``name`` (see :class:`dlcore.losses.Loss`).
"""

from __future__ import annotations

import numpy as np

from .base import EPSILON, Loss


def _mean_over_sample(values: np.ndarray) -> np.ndarray:
    """The mean over the last axis (a 1-D array is kept: one loss per entry)."""
    return np.mean(values, axis=-1) if values.ndim > 1 else values


class MeanSquaredError(Loss):
    """``mean((y_true - y_pred)**2)`` over all entries; gradient ``2 (y_pred - y_true) / size``."""

    name = "mean_squared_error"

    def __init__(self, reduction="sum_over_batch_size", name: str = "mean_squared_error"):
        super().__init__(name=name, reduction=reduction)

    def _value(self, y_true, y_pred):
        return _mean_over_sample((y_pred - y_true) ** 2)

    def _gradient(self, y_true, y_pred):
        return 2.0 * (y_pred - y_true) / y_pred.size


class MeanAbsoluteError(Loss):
    """``mean(|y_true - y_pred|)``; gradient ``sign(y_pred - y_true) / size`` (0 where they are equal)."""

    name = "mean_absolute_error"

    def __init__(self, reduction="sum_over_batch_size", name: str = "mean_absolute_error"):
        super().__init__(name=name, reduction=reduction)

    def _value(self, y_true, y_pred):
        return _mean_over_sample(np.abs(y_pred - y_true))

    def _gradient(self, y_true, y_pred):
        return np.sign(y_pred - y_true) / y_pred.size


class Huber(Loss):
    """Quadratic near the target, linear far from it: with ``e = y_pred - y_true``,
    ``0.5 e**2`` where ``|e| <= delta`` and ``delta |e| - 0.5 delta**2`` elsewhere (Keras' ``huber``).

    The gradient ``clip(e, -delta, delta)`` is bounded, so outliers pull no harder than ``delta``.
    """

    name = "huber_loss"

    def __init__(self, delta: float = 1.0, reduction="sum_over_batch_size", name: str = "huber_loss"):
        if not delta > 0:
            raise ValueError(f"huber: delta must be a positive number, got {delta!r}")
        super().__init__(name=name, reduction=reduction)
        self.delta = float(delta)

    def _value(self, y_true, y_pred):
        abs_error = np.abs(y_pred - y_true)
        d = self.delta
        return _mean_over_sample(np.where(abs_error <= d, 0.5 * abs_error**2, d * abs_error - 0.5 * d**2))

    def _gradient(self, y_true, y_pred):
        return np.clip(y_pred - y_true, -self.delta, self.delta) / y_pred.size

    def _options(self) -> dict:
        return {"delta": self.delta}


class MeanSquaredLogarithmicError(Loss):
    """``mean((log(1 + y_pred) - log(1 + y_true))**2)``, both first raised to at least ``EPSILON`` as in Keras.

    Relative errors count, not absolute ones: predicting 110 for 100 costs as much as 1.1 for 1.
    """

    name = "mean_squared_logarithmic_error"

    def __init__(self, reduction="sum_over_batch_size", name: str = "mean_squared_logarithmic_error"):
        super().__init__(name=name, reduction=reduction)

    def _value(self, y_true, y_pred):
        diff = np.log1p(np.maximum(y_pred, EPSILON)) - np.log1p(np.maximum(y_true, EPSILON))
        return _mean_over_sample(diff**2)

    def _gradient(self, y_true, y_pred):
        p = np.maximum(y_pred, EPSILON)
        diff = np.log1p(p) - np.log1p(np.maximum(y_true, EPSILON))
        return (y_pred > EPSILON) * 2.0 * diff / (1.0 + p) / y_pred.size  # the floor has zero slope


class Poisson(Loss):
    """``mean(y_pred - y_true * log(y_pred + EPSILON))``: the negative Poisson log-likelihood of counts ``y_true``
    with rate ``y_pred`` (up to a term without ``y_pred``); gradient ``1 - y_true / (y_pred + EPSILON)``."""

    name = "poisson"

    def __init__(self, reduction="sum_over_batch_size", name: str = "poisson"):
        super().__init__(name=name, reduction=reduction)

    def _value(self, y_true, y_pred):
        return _mean_over_sample(y_pred - y_true * np.log(y_pred + EPSILON))

    def _gradient(self, y_true, y_pred):
        return (1.0 - y_true / (y_pred + EPSILON)) / y_pred.size
