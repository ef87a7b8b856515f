"""The :class:`Loss` base class and the shape and weight checks every loss shares."""

from __future__ import annotations

import numpy as np

EPSILON = 1e-7  # Keras' clipping constant


def _as_arrays(y_true, y_pred, name: str):
    y_pred = np.asarray(y_pred)
    if not np.issubdtype(y_pred.dtype, np.floating):
        y_pred = y_pred.astype(np.float64)
    y_true = np.asarray(y_true)
    if y_pred.ndim == 0:
        raise ValueError(f"{name}: y_pred must have a batch axis, got a scalar")
    return y_true, y_pred


def _check_same_shape(y_true, y_pred, name: str) -> np.ndarray:
    if y_pred.shape[-1] == 1 and y_true.shape == y_pred.shape[:-1]:
        y_true = y_true.reshape(y_pred.shape)  # labels (n,) for outputs (n, 1), as Keras accepts
    if y_true.shape != y_pred.shape:
        hint = ""
        if y_true.ndim == 1 and y_pred.ndim == 2 and y_pred.shape[1] > 1 and y_true.shape[0] == y_pred.shape[0]:
            hint = " — these look like integer labels: use sparse_categorical_crossentropy or to_categorical(y)"
        elif y_true.size == y_pred.size:
            hint = f" — reshape the labels, e.g. y.reshape({', '.join(map(str, y_pred.shape))})"
        raise ValueError(f"{name}: y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; "
                         f"expected the same shape{hint}")
    return y_true.astype(y_pred.dtype, copy=False)


def _check_weights(sample_weight, n: int, name: str):
    """``sample_weight`` as a float array of shape ``(n,)`` (or 1.0 when None)."""
    if sample_weight is None:
        return 1.0
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.ndim == 2 and w.shape[1] == 1:
        w = w[:, 0]
    if w.shape != (n,):
        raise ValueError(f"{name}: sample_weight must have shape ({n},), one weight per sample, got {w.shape}")
    return w


class Loss:
    """Base class. Subclasses implement ``_value`` (per-sample losses) and ``_gradient``."""

    name = "loss"

    def __init__(self, from_logits: bool = False):
        self.from_logits = from_logits

    def __call__(self, y_true, y_pred, sample_weight=None) -> float:
        """Mean loss over the batch, or ``sum(w_i * l_i) / batch`` with ``sample_weight`` ``w`` (shape ``(batch,)``)."""
        per_sample = self.per_sample(y_true, y_pred)
        return float(np.mean(per_sample * _check_weights(sample_weight, np.size(per_sample), self.name)))

    def per_sample(self, y_true, y_pred) -> np.ndarray:
        """Loss of each sample, shape ``(batch,)`` (the mean over any other axis)."""
        y_true, y_pred = self._prepare(y_true, y_pred)
        return self._value(y_true, y_pred)

    def gradient(self, y_true, y_pred, sample_weight=None) -> np.ndarray:
        """``dL/dy_pred`` of the (weighted) mean loss, same shape and dtype as ``y_pred``."""
        y_true, y_pred = self._prepare(y_true, y_pred)
        grad = self._gradient(y_true, y_pred)
        if sample_weight is not None:  # sample i's rows scale by w_i; the division stays by the batch size
            w = _check_weights(sample_weight, len(y_pred), self.name)
            grad = grad * w.reshape((-1,) + (1,) * (grad.ndim - 1))
        return grad.astype(y_pred.dtype, copy=False)

    def _prepare(self, y_true, y_pred):
        y_true, y_pred = _as_arrays(y_true, y_pred, self.name)
        return _check_same_shape(y_true, y_pred, self.name), y_pred

    def __repr__(self) -> str:
        return f"{type(self).__name__}(from_logits={self.from_logits})"
