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


REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def _check_reduction(reduction, name: str):
    if isinstance(reduction, str) or reduction is None:
        if reduction in REDUCTIONS:
            return reduction
    raise ValueError(f"{name}: reduction must be one of {list(REDUCTIONS)} (Keras' values), got {reduction!r}")


def check_reduces(loss, where: str = "compile"):
    """``loss`` itself, or a clear error if it returns one loss per entry (``reduction=None``): training needs
    one number per batch."""
    if getattr(loss, "reduction", "sum_over_batch_size") in (None, "none"):
        raise ValueError(f"{where}: the loss {loss!r} has reduction={loss.reduction!r} and returns one loss per "
                         "sample; training needs one number: use reduction='sum_over_batch_size' (the default) "
                         "or 'sum'")
    return loss


class Loss:
    """Base class. Subclasses implement ``_value`` (the loss of each entry) and ``_gradient``.

    ``_value(y_true, y_pred)`` returns Keras' unreduced losses: one per sample for an output ``(batch, k)``,
    one per step for ``(batch, steps, k)`` (shape ``y_pred.shape[:-1]``; one per entry for a 1-D ``y_pred``).
    ``_gradient`` returns the gradient of their mean.

    Parameters
    ----------
    name : str, optional
        The loss's name (each class's default is Keras', e.g. ``"mean_squared_error"``).
    reduction : str or None
        How the losses of the entries become one number, as in Keras: ``"sum_over_batch_size"`` (the default)
        and ``"mean"`` divide the (weighted) sum by the number of entries, ``"sum"`` does not divide,
        ``"mean_with_sample_weight"`` divides by the sum of the sample weights, and ``None`` or ``"none"``
        returns the (weighted) loss of every entry (then :meth:`gradient` is the gradient of their sum,
        what Keras' ``fit`` minimizes).
    """

    name = "loss"
    from_logits = False  # the cross-entropies take it as an argument

    def __init__(self, name: str | None = None, reduction="sum_over_batch_size"):
        self.name = type(self).name if name is None else str(name)
        self.reduction = _check_reduction(reduction, self.name)

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The reduced loss (a float), or the loss of every entry for ``reduction=None``.

        With the default reduction this is the mean loss over the batch, or ``sum(w_i * l_i) / batch`` with
        ``sample_weight`` ``w`` (shape ``(batch,)``). ``w`` may also hold one weight per step, shape
        ``(batch, steps)``, for an output ``(batch, steps, ...)``: the loss is then
        ``sum(w_bt * l_bt) / (batch * steps)`` (Keras' ``"sum_over_batch_size"``).
        """
        y_true, y_pred = self._prepare(y_true, y_pred)
        values = self._value(y_true, y_pred)
        w = self._weights(sample_weight, y_true, y_pred, values.shape)
        if w is not None:
            values = values * w
        if values.ndim == 0:  # one distribution (a 1-D y_pred of a cross-entropy): nothing to reduce
            return float(values)
        if self.reduction in (None, "none"):
            return values
        total = float(np.sum(values))
        divisor = self._divisor(w, values.size)
        return total if divisor is None else (total / divisor if divisor else 0.0)  # Keras' divide_no_nan

    def per_sample(self, y_true, y_pred) -> np.ndarray:
        """Loss of each sample, shape ``(batch,)`` (the mean over any other axis), unweighted."""
        y_true, y_pred = self._prepare(y_true, y_pred)
        values = self._value(y_true, y_pred)
        return values.reshape(len(values), -1).mean(axis=1) if values.ndim > 1 else values

    def gradient(self, y_true, y_pred, sample_weight=None) -> np.ndarray:
        """``dL/dy_pred`` of the reduced loss (of the sum of the losses for ``reduction=None``),
        same shape and dtype as ``y_pred``."""
        y_true, y_pred = self._prepare(y_true, y_pred)
        grad = self._gradient(y_true, y_pred)  # of the mean over the entries
        entries = self._entries_shape(y_pred)
        count = int(np.prod(entries))
        w = self._weights(sample_weight, y_true, y_pred, entries)
        if w is not None:  # entry i's derivatives scale by w_i
            grad = grad * w.reshape(w.shape + (1,) * (grad.ndim - w.ndim))
        divisor = self._divisor(w, count)
        scale = count if divisor is None else (count / divisor if divisor else 0.0)
        grad = grad * scale if scale != 1 else grad
        return self._to_input_layout(grad).astype(y_pred.dtype, copy=False)

    def _entries_shape(self, y_pred) -> tuple:
        """The shape of ``_value``'s output: the last axis is reduced (kept for a 1-D ``y_pred``)."""
        return y_pred.shape[:-1] if y_pred.ndim > 1 else y_pred.shape

    def _divisor(self, w, count: int):
        """What the weighted sum is divided by (None: nothing, for ``"sum"`` and ``None``)."""
        if self.reduction in ("sum_over_batch_size", "mean"):
            return count
        if self.reduction == "mean_with_sample_weight":
            return count if w is None else float(np.sum(w))
        return None

    def _weights(self, sample_weight, y_true, y_pred, entries_shape):
        """The sample weights as an array that broadcasts against the entries' losses (or None)."""
        w = _check_weights(sample_weight, y_pred, self.name)
        if w is None:
            return None
        return w.reshape(w.shape + (1,) * (len(entries_shape) - w.ndim)) if w.ndim < len(entries_shape) else w

    def _prepare(self, y_true, y_pred):
        y_true, y_pred = _as_arrays(y_true, y_pred, self.name)
        return _check_same_shape(y_true, y_pred, self.name), y_pred

    def _to_input_layout(self, grad: np.ndarray) -> np.ndarray:
        """The gradient in the layout of the caller's ``y_pred`` (losses with an ``axis`` move it back)."""
        return grad

    def _options(self) -> dict:
        """The arguments shown by ``repr`` (besides ``reduction`` and ``name`` when not the defaults)."""
        return {}

    def __repr__(self) -> str:
        shown = self._options()
        if self.reduction != "sum_over_batch_size":
            shown["reduction"] = self.reduction
        if self.name != type(self).name:
            shown["name"] = self.name
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in shown.items())})"
