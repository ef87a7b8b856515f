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


def _check_weights(sample_weight, y_pred: np.ndarray, name: str):
    """``sample_weight`` as a float array: one weight per sample ``(batch,)``, or per step ``(batch, steps)``
    for a sequence output ``(batch, steps, features)`` (what a padding mask gives); None stays None."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.ndim == 2 and w.shape[1] == 1:
        w = w[:, 0]
    n = len(y_pred)
    if w.shape != (n,) and (w.ndim < 2 or w.ndim >= y_pred.ndim or w.shape != y_pred.shape[:w.ndim]):
        raise ValueError(f"{name}: sample_weight must have shape ({n},), one weight per sample (or "
                         f"{y_pred.shape[:-1]}, one per step), got {w.shape}")
    return w


def _merge_leading_axes(y_true, y_pred, k: int):
    """Merge the first ``k`` axes into one, so that ``per_sample`` gives one loss per step (for ``k = 2``:
    ``(batch, steps, ...)`` becomes ``(batch * steps, ...)``)."""
    if k <= 1:
        return y_true, y_pred
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return y_true.reshape(-1, *y_true.shape[k:]), y_pred.reshape(-1, *y_pred.shape[k:])


def apply_mask(sample_weight, mask):
    """Fold a padding ``mask`` ``(batch, steps)`` into the sample weights, as Keras' ``apply_mask``.

    Padded steps weigh 0 and real steps ``total / valid`` (``total`` entries in the mask, ``valid`` of
    them True), so the mean over all entries that the loss takes becomes the mean over the real steps
    only: ``sum(w * l * mask) / valid``. A sample weight ``(batch,)`` multiplies its sample's steps.

    Parameters
    ----------
    sample_weight : array of shape (batch,), or None
    mask : bool array of shape (batch, steps), or None (then ``sample_weight`` is returned unchanged)

    Returns
    -------
    array of shape (batch, steps), or ``sample_weight`` when there is no mask
    """
    if mask is None:
        return sample_weight
    mask = np.asarray(mask, dtype=bool)
    valid = np.count_nonzero(mask)
    weights = np.where(mask, mask.size / valid if valid else 0.0, 0.0)  # no real step: everything weighs 0
    if sample_weight is not None:
        w = np.asarray(sample_weight, dtype=np.float64)
        weights = weights * w.reshape(w.shape + (1,) * (weights.ndim - w.ndim))
    return weights


class Loss:
    """Base class. Subclasses implement ``_value`` (per-sample losses) and ``_gradient``."""

    name = "loss"

    def __init__(self, from_logits: bool = False):
        self.from_logits = from_logits

    def __call__(self, y_true, y_pred, sample_weight=None) -> float:
        """Mean loss over the batch, or ``sum(w_i * l_i) / batch`` with ``sample_weight`` ``w`` (shape ``(batch,)``).

        ``w`` may also hold one weight per step, shape ``(batch, steps)``, for an output ``(batch, steps, ...)``:
        the loss is then ``sum(w_bt * l_bt) / (batch * steps)`` (Keras' ``"sum_over_batch_size"``).
        """
        w = _check_weights(sample_weight, np.asarray(y_pred), self.name)
        if w is None:
            return float(np.mean(self.per_sample(y_true, y_pred)))
        per_entry = self.per_sample(*_merge_leading_axes(y_true, y_pred, w.ndim))  # one loss per weight
        return float(np.mean(per_entry * w.reshape(-1)))

    def per_sample(self, y_true, y_pred) -> np.ndarray:
        """Loss of each sample, shape ``(batch,)`` (the mean over any other axis)."""
        y_true, y_pred = self._prepare(y_true, y_pred)
        return self._value(y_true, y_pred)

    def gradient(self, y_true, y_pred, sample_weight=None) -> np.ndarray:
        """``dL/dy_pred`` of the (weighted) mean loss, same shape and dtype as ``y_pred``."""
        y_true, y_pred = self._prepare(y_true, y_pred)
        grad = self._gradient(y_true, y_pred)
        w = _check_weights(sample_weight, y_pred, self.name)
        if w is not None:  # sample (or step) i's entries scale by w_i; the division stays by the batch size
            grad = grad * w.reshape(w.shape + (1,) * (grad.ndim - w.ndim))
        return grad.astype(y_pred.dtype, copy=False)

    def _prepare(self, y_true, y_pred):
        y_true, y_pred = _as_arrays(y_true, y_pred, self.name)
        return _check_same_shape(y_true, y_pred, self.name), y_pred

    def __repr__(self) -> str:
        return f"{type(self).__name__}(from_logits={self.from_logits})"
