"""Losses between probability distributions: the cross-entropies and the Kullback-Leibler divergence.

Probabilities are clipped to ``[EPSILON, 1 - EPSILON]`` as in Keras, so a confidently wrong
prediction gives a large but finite loss. With ``from_logits=True`` the prediction is a raw
score and the loss is computed with the log-sum-exp trick instead, exact at any magnitude
(logits of ±1000 included).

Keras' options: ``label_smoothing`` (binary and categorical) mixes the targets with a uniform
distribution, ``axis`` names the class axis (moved last here, and the gradient moved back), and
``ignore_class`` (sparse) gives the entries with that label weight 0.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid, softmax
from .base import EPSILON, Loss, _as_arrays


def _check_axis(axis, name: str) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"{name}: axis must be an int (the class axis; Keras' default is -1), got {axis!r}")
    return int(axis)


def _check_smoothing(label_smoothing, name: str) -> float:
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, (int, float, np.integer, np.floating)) \
            or not 0 <= label_smoothing <= 1:
        raise ValueError(f"{name}: label_smoothing must be a number in [0, 1], got {label_smoothing!r}")
    return float(label_smoothing)


def _class_axis_last(name: str, axis: int, y_pred: np.ndarray, *others: np.ndarray):
    """Move ``axis`` of ``y_pred`` (and of the ``others`` with as many axes) to the end."""
    if not -y_pred.ndim <= axis < y_pred.ndim:
        raise ValueError(f"{name}: axis={axis} is out of range for y_pred of shape {y_pred.shape}")
    if axis in (-1, y_pred.ndim - 1):
        return (y_pred, *others)
    return tuple(np.moveaxis(a, axis, -1) if a.ndim == y_pred.ndim else a for a in (y_pred, *others))


class _Crossentropy(Loss):
    """What the three cross-entropies share: ``from_logits``, the class ``axis`` and its move to the end."""

    def __init__(self, from_logits: bool, axis: int, reduction, name: str):
        super().__init__(name=name, reduction=reduction)
        self.from_logits = bool(from_logits)
        self.axis = _check_axis(axis, self.name)

    def _to_input_layout(self, grad):
        return grad if self.axis == -1 else np.moveaxis(grad, -1, self.axis)

    def _options(self) -> dict:
        shown = {"from_logits": self.from_logits}
        if getattr(self, "label_smoothing", 0.0):
            shown["label_smoothing"] = self.label_smoothing
        if self.axis != -1:
            shown["axis"] = self.axis
        return shown


class BinaryCrossentropy(_Crossentropy):
    """``-mean(y log p + (1 - y) log(1 - p))`` for labels in {0, 1} (or soft labels in [0, 1]).

    With ``from_logits=True``, ``y_pred`` is ``z`` and the loss is ``max(z, 0) - z y + log(1 + exp(-|z|))``,
    whose gradient is exactly ``sigmoid(z) - y`` (over the batch size).

    Parameters
    ----------
    from_logits : bool
        ``y_pred`` holds logits ``z`` rather than probabilities.
    label_smoothing : float in [0, 1]
        Squeeze the targets towards 0.5: ``y (1 - label_smoothing) + 0.5 label_smoothing`` (Keras).
    axis : int
        The axis the mean is over (Keras' default -1).
    reduction, name
        As every :class:`dlcore.losses.Loss`.
    """

    name = "binary_crossentropy"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction="sum_over_batch_size", name: str = "binary_crossentropy"):
        super().__init__(from_logits, axis, reduction, name)
        self.label_smoothing = _check_smoothing(label_smoothing, self.name)

    def _prepare(self, y_true, y_pred):
        y_true, y_pred = super()._prepare(y_true, y_pred)
        y_pred, y_true = _class_axis_last(self.name, self.axis, y_pred, y_true)
        if self.label_smoothing:
            y_true = y_true * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing
        return y_true, y_pred

    def _value(self, y, p):
        if self.from_logits:
            losses = np.maximum(p, 0) - p * y + np.log1p(np.exp(-np.abs(p)))
        else:
            p = np.clip(p, EPSILON, 1 - EPSILON)
            losses = -(y * np.log(p) + (1 - y) * np.log(1 - p))
        return np.mean(losses, axis=-1) if losses.ndim > 1 else losses

    def _gradient(self, y, p):
        if self.from_logits:
            return (sigmoid(p) - y) / p.size
        clipped = np.clip(p, EPSILON, 1 - EPSILON)
        inside = (p > EPSILON) & (p < 1 - EPSILON)  # the clip has zero slope outside, as in Keras
        return inside * (clipped - y) / (clipped * (1 - clipped)) / p.size


def _log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


class CategoricalCrossentropy(_Crossentropy):
    """``-sum(y * log p, axis=-1)`` for one-hot (or soft) labels ``y`` of shape ``(batch, K)``.

    As in Keras, each row of ``p`` is first divided by its sum (so rows that do not sum to 1 are
    rescaled into probabilities), then clipped to ``[EPSILON, 1 - EPSILON]``. With ``from_logits=True``
    the log-softmax is computed directly and the gradient is ``softmax(z) - y`` (over the batch size).

    Parameters
    ----------
    from_logits : bool
        ``y_pred`` holds logits rather than probabilities.
    label_smoothing : float in [0, 1]
        Mix the targets with the uniform distribution: ``y (1 - label_smoothing) + label_smoothing / K``,
        with ``K`` the size of the *last* axis of ``y_true`` (Keras' rule, whatever ``axis`` is).
    axis : int
        The class axis (Keras' default -1).
    reduction, name
        As every :class:`dlcore.losses.Loss`.
    """

    name = "categorical_crossentropy"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction="sum_over_batch_size", name: str = "categorical_crossentropy"):
        super().__init__(from_logits, axis, reduction, name)
        self.label_smoothing = _check_smoothing(label_smoothing, self.name)

    def _prepare(self, y_true, y_pred):
        y_true, y_pred = super()._prepare(y_true, y_pred)
        if self.label_smoothing:
            y_true = y_true * (1.0 - self.label_smoothing) + self.label_smoothing / y_true.shape[-1]
        y_pred, y_true = _class_axis_last(self.name, self.axis, y_pred, y_true)
        return y_true, y_pred

    def _entries_shape(self, y_pred):
        return y_pred.shape[:-1]  # one loss per distribution (none left for a single 1-D one)

    def _value(self, y, p):
        if self.from_logits:
            log_p = _log_softmax(p)
        else:
            log_p = np.log(np.clip(p / np.sum(p, axis=-1, keepdims=True), EPSILON, 1 - EPSILON))
        return -np.sum(y * log_p, axis=-1)

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
    holding class ids in ``[0, K)`` for ``y_pred`` of shape ``(batch, K)``.

    Parameters
    ----------
    from_logits : bool
        ``y_pred`` holds logits rather than probabilities.
    ignore_class : int, optional
        A label value (e.g. -1 or 255 for "void" pixels, 0 for padding) whose entries weigh 0. As in Keras
        they also leave the mean: the default reduction divides by the number of entries *not* ignored.
    reduction, name
        As every :class:`dlcore.losses.Loss`.
    axis : int
        The class axis of ``y_pred`` (Keras' default -1); ``y_true`` has no class axis.
    """

    name = "sparse_categorical_crossentropy"
    label_smoothing = 0.0  # Keras' sparse cross-entropy has none

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None, reduction="sum_over_batch_size",
                 axis: int = -1, name: str = "sparse_categorical_crossentropy"):
        _Crossentropy.__init__(self, from_logits, axis, reduction, name)
        if ignore_class is not None and (isinstance(ignore_class, bool) or np.mod(ignore_class, 1) != 0):
            raise ValueError(f"{self.name}: ignore_class must be an integer label or None, got {ignore_class!r}")
        self.ignore_class = None if ignore_class is None else int(ignore_class)

    def _prepare(self, y_true, y_pred):
        y_true, y_pred = _as_arrays(y_true, y_pred, self.name)
        if y_true.ndim == y_pred.ndim and y_true.shape[self.axis] == 1:
            y_true = np.squeeze(y_true, axis=self.axis)
        (y_pred,) = _class_axis_last(self.name, self.axis, y_pred)
        if y_true.shape != y_pred.shape[:-1]:
            looks_one_hot = (y_true.shape == y_pred.shape and np.isin(y_true, (0, 1)).all()
                             and np.all(y_true.sum(axis=-1) == 1))
            hint = " — these look one-hot: use categorical_crossentropy" if looks_one_hot else ""
            raise ValueError(f"{self.name}: y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; "
                             f"expected integer labels of shape {y_pred.shape[:-1]}{hint}")
        if y_true.size and not np.all(np.mod(y_true, 1) == 0):
            raise ValueError(f"{self.name}: labels must be integer class ids, got non-integer values")
        valid = np.ones(y_true.shape, dtype=bool) if self.ignore_class is None else y_true != self.ignore_class
        labels = y_true[valid]
        k = y_pred.shape[-1]
        if labels.size and (labels.min() < 0 or labels.max() >= k):
            raise ValueError(f"{self.name}: labels must be in [0, {k}) for {k} classes, "
                             f"got values from {labels.min()} to {labels.max()}")
        one_hot = np.zeros(y_pred.shape, dtype=y_pred.dtype)  # an ignored entry's row stays all zero:
        np.put_along_axis(one_hot, np.where(valid, y_true, 0).astype(np.int64)[..., None],  # loss 0, gradient 0
                          valid[..., None].astype(y_pred.dtype), axis=-1)
        if not valid.all():  # whatever an ignored entry predicts (even a row of zeros) costs nothing, as in Keras
            y_pred = np.where(valid[..., None], y_pred, 1.0)
        return one_hot, y_pred

    def _weights(self, sample_weight, y_true, y_pred, entries_shape):
        """The sample weights times the entries kept by ``ignore_class``: Keras' ``apply_mask`` gives them
        ``total / kept`` under the mean reductions (so the mean is over the kept entries), 1 otherwise."""
        w = super()._weights(sample_weight, y_true, y_pred, entries_shape)
        if self.ignore_class is None:
            return w
        kept = y_true.any(axis=-1)
        if self.reduction in ("sum_over_batch_size", "mean"):
            count = np.count_nonzero(kept)
            mask = np.where(kept, kept.size / count if count else 0.0, 0.0)
        else:
            mask = kept.astype(np.float64)
        return mask if w is None else w * mask

    def _options(self) -> dict:
        shown = super()._options()
        if self.ignore_class is not None:
            shown["ignore_class"] = self.ignore_class
        return shown


class KLDivergence(Loss):
    """``sum(y * log(y / p), axis=-1)`` for distributions ``y`` and ``p`` along the last axis
    (Keras' ``kl_divergence``).

    As in Keras both are clipped to ``[EPSILON, 1]`` first, so ``y = 0`` contributes ``EPSILON * log(EPSILON / p)``
    (nearly zero) instead of ``0 * log 0``. The gradient is ``-y / p`` where ``p`` is inside the clip range.
    """

    name = "kl_divergence"

    def __init__(self, reduction="sum_over_batch_size", name: str = "kl_divergence"):
        super().__init__(name=name, reduction=reduction)

    def _entries_shape(self, y_pred):
        return y_pred.shape[:-1]

    def _value(self, y, p):
        y, q = np.clip(y, EPSILON, 1.0), np.clip(p, EPSILON, 1.0)
        return np.sum(y * np.log(y / q), axis=-1)

    def _gradient(self, y, p):
        n = p.size // p.shape[-1]  # number of rows the mean is over
        inside = (p > EPSILON) & (p < 1.0)  # the clip has zero slope outside, as in Keras
        return np.where(inside, -np.clip(y, EPSILON, 1.0) / np.clip(p, EPSILON, 1.0), 0.0) / n
