"""Regression losses: squared, absolute, Huber, squared-logarithmic and Poisson errors (Keras' formulas).

Each per-sample loss is the mean over every non-batch axis, so the gradient of the batch mean is the
elementwise derivative divided by ``y_pred.size``.
"""

from __future__ import annotations

import numpy as np

from .base import EPSILON, Loss


def _mean_over_sample(values: np.ndarray) -> np.ndarray:
    return np.mean(values, axis=tuple(range(1, values.ndim)))


class MeanSquaredError(Loss):
    """``mean((y_true - y_pred)**2)`` over all entries; gradient ``2 (y_pred - y_true) / size``."""

    name = "mse"

    def _value(self, y_true, y_pred):
        return _mean_over_sample((y_pred - y_true) ** 2)

    def _gradient(self, y_true, y_pred):
        return 2.0 * (y_pred - y_true) / y_pred.size


class MeanAbsoluteError(Loss):
    """``mean(|y_true - y_pred|)``; gradient ``sign(y_pred - y_true) / size`` (0 where they are equal)."""

    name = "mae"

    def _value(self, y_true, y_pred):
        return _mean_over_sample(np.abs(y_pred - y_true))

    def _gradient(self, y_true, y_pred):
        return np.sign(y_pred - y_true) / y_pred.size


class Huber(Loss):
    """Quadratic near the target, linear far from it: with ``e = y_pred - y_true``,
    ``0.5 e**2`` where ``|e| <= delta`` and ``delta |e| - 0.5 delta**2`` elsewhere (Keras' ``huber``).

    The gradient ``clip(e, -delta, delta)`` is bounded, so outliers pull no harder than ``delta``.
    """

    name = "huber"

    def __init__(self, delta: float = 1.0, from_logits: bool = False):
        if not delta > 0:
            raise ValueError(f"huber: delta must be a positive number, got {delta!r}")
        super().__init__(from_logits=from_logits)
        self.delta = float(delta)

    def _value(self, y_true, y_pred):
        abs_error = np.abs(y_pred - y_true)
        d = self.delta
        return _mean_over_sample(np.where(abs_error <= d, 0.5 * abs_error**2, d * abs_error - 0.5 * d**2))

    def _gradient(self, y_true, y_pred):
        return np.clip(y_pred - y_true, -self.delta, self.delta) / y_pred.size

    def __repr__(self) -> str:
        return f"Huber(delta={self.delta})"


class MeanSquaredLogarithmicError(Loss):
    """``mean((log(1 + y_pred) - log(1 + y_true))**2)``, both first raised to at least ``EPSILON`` as in Keras.

    Relative errors count, not absolute ones: predicting 110 for 100 costs as much as 1.1 for 1.
    """

    name = "msle"

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

    def _value(self, y_true, y_pred):
        return _mean_over_sample(y_pred - y_true * np.log(y_pred + EPSILON))

    def _gradient(self, y_true, y_pred):
        return (1.0 - y_true / (y_pred + EPSILON)) / y_pred.size
