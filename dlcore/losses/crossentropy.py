"""Losses between probability distributions: the cross-entropies and the Kullback-Leibler divergence.

Probabilities are clipped to ``[EPSILON, 1 - EPSILON]`` as in Keras, so a confidently wrong
prediction gives a large but finite loss. With ``from_logits=True`` the prediction is a raw
score and the loss is computed with the log-sum-exp trick instead, exact at any magnitude
(logits of ±1000 included).
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid, softmax
from .base import EPSILON, Loss, _as_arrays


class BinaryCrossentropy(Loss):
    """``-mean(y log p + (1 - y) log(1 - p))`` for labels in {0, 1} (or soft labels in [0, 1]).

    With ``from_logits=True``, ``y_pred`` is ``z`` and the loss is ``max(z, 0) - z y + log(1 + exp(-|z|))``,
    whose gradient is exactly ``sigmoid(z) - y`` (over the batch size).
    """

    name = "binary_crossentropy"

    def _value(self, y, p):
        axes = tuple(range(1, p.ndim))
        if self.from_logits:
            return np.mean(np.maximum(p, 0) - p * y + np.log1p(np.exp(-np.abs(p))), axis=axes)
        p = np.clip(p, EPSILON, 1 - EPSILON)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p), axis=axes)

    def _gradient(self, y, p):
        if self.from_logits:
            return (sigmoid(p) - y) / p.size
        clipped = np.clip(p, EPSILON, 1 - EPSILON)
        inside = (p > EPSILON) & (p < 1 - EPSILON)  # the clip has zero slope outside, as in Keras
        return inside * (clipped - y) / (clipped * (1 - clipped)) / p.size


def _log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


class CategoricalCrossentropy(Loss):
    """``-mean(sum(y * log p, axis=-1))`` for one-hot (or soft) labels ``y`` of shape ``(batch, K)``.

    As in Keras, each row of ``p`` is first divided by its sum (so rows that do not sum to 1 are
    rescaled into probabilities), then clipped to ``[EPSILON, 1 - EPSILON]``. With ``from_logits=True``
    the log-softmax is computed directly and the gradient is ``softmax(z) - y`` (over the batch size).
    """

    name = "categorical_crossentropy"

    def _value(self, y, p):
        if self.from_logits:
            log_p = _log_softmax(p)
        else:
            log_p = np.log(np.clip(p / np.sum(p, axis=-1, keepdims=True), EPSILON, 1 - EPSILON))
        return -np.sum(y * log_p, axis=-1).reshape(p.shape[0], -1).mean(axis=1)

    def _gradient(self, y, p):
        n = p.size // p.shape[-1]  # number of rows the mean is over
        if self.from_logits:
            return (softmax(p) * np.sum(y, axis=-1, keepdims=True) - y) / n
        total = np.sum(p, axis=-1, keepdims=True)
        q = p / total  # the rescaled row
        inside = (q > EPSILON) & (q < 1 - EPSILON)  # the clip has zero slope outside, as in Keras
        g = -(inside * y) / np.clip(q, EPSILON, 1 - EPSILON)  # dL/dq
        # through q = p / sum(p): dL/dp_j = (g_j - sum_i g_i q_i) / sum(p)
        return (g - np.sum(g * q, axis=-1, keepdims=True)) / total / n


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Categorical cross-entropy with integer labels: ``y_true`` of shape ``(batch,)`` (or ``(batch, 1)``)
    holding class ids in ``[0, K)`` for ``y_pred`` of shape ``(batch, K)``."""

    name = "sparse_categorical_crossentropy"

    def _prepare(self, y_true, y_pred):
        y_true, y_pred = _as_arrays(y_true, y_pred, self.name)
        if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
            y_true = y_true[..., 0]
        if y_true.shape != y_pred.shape[:-1]:
            looks_one_hot = (y_true.shape == y_pred.shape and np.isin(y_true, (0, 1)).all()
                             and np.all(y_true.sum(axis=-1) == 1))
            hint = " — these look one-hot: use categorical_crossentropy" if looks_one_hot else ""
            raise ValueError(f"{self.name}: y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; "
                             f"expected integer labels of shape {y_pred.shape[:-1]}{hint}")
        if y_true.size and not np.all(np.mod(y_true, 1) == 0):
            raise ValueError(f"{self.name}: labels must be integer class ids, got non-integer values")
        k = y_pred.shape[-1]
        if y_true.size and (y_true.min() < 0 or y_true.max() >= k):
            raise ValueError(f"{self.name}: labels must be in [0, {k}) for {k} classes, "
                             f"got values from {y_true.min()} to {y_true.max()}")
        one_hot = np.zeros(y_pred.shape, dtype=y_pred.dtype)
        np.put_along_axis(one_hot, y_true.astype(np.int64)[..., None], 1, axis=-1)
        return one_hot, y_pred


class KLDivergence(Loss):
    """``sum(y * log(y / p), axis=-1)`` for distributions ``y`` and ``p`` along the last axis
    (Keras' ``kl_divergence``).

    As in Keras both are clipped to ``[EPSILON, 1]`` first, so ``y = 0`` contributes ``EPSILON * log(EPSILON / p)``
    (nearly zero) instead of ``0 * log 0``. The gradient is ``-y / p`` where ``p`` is inside the clip range.
    """

    name = "kl_divergence"

    def _value(self, y, p):
        y, q = np.clip(y, EPSILON, 1.0), np.clip(p, EPSILON, 1.0)
        return np.sum(y * np.log(y / q), axis=-1).reshape(p.shape[0], -1).mean(axis=1)

    def _gradient(self, y, p):
        n = p.size // p.shape[-1]  # number of rows the mean is over
        inside = (p > EPSILON) & (p < 1.0)  # the clip has zero slope outside, as in Keras
        return np.where(inside, -np.clip(y, EPSILON, 1.0) / np.clip(p, EPSILON, 1.0), 0.0) / n
