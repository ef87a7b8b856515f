"""The hinge loss of maximum-margin classifiers (support vector machines)."""

from __future__ import annotations

import numpy as np

from .base import Loss


class Hinge(Loss):
    """``mean(max(1 - y_true * y_pred, 0))`` for labels ``y_true`` in {-1, 1} and raw scores ``y_pred``.

    As in Keras, labels that are all 0 or 1 are first mapped to -1 and 1. A sample costs nothing once
    its score is on the right side with margin 1; the gradient is ``-y_true`` where the margin is violated.
    """

    name = "hinge"

    def __init__(self, reduction="sum_over_batch_size", name: str = "hinge"):
        super().__init__(name=name, reduction=reduction)

    def _prepare(self, y_true, y_pred):
        y_true, y_pred = super()._prepare(y_true, y_pred)
        if np.all((y_true == 0) | (y_true == 1)):  # the whole batch is binary: map {0, 1} -> {-1, 1}
            y_true = 2.0 * y_true - 1.0
        return y_true, y_pred

    def _value(self, y_true, y_pred):
        losses = np.maximum(1.0 - y_true * y_pred, 0.0)
        return np.mean(losses, axis=-1) if losses.ndim > 1 else losses  # over the last axis, as Keras

    def _gradient(self, y_true, y_pred):
        violated = 1.0 - y_true * y_pred > 0
        return np.where(violated, -y_true, 0.0) / y_pred.size
