"""Loss functions: value (mean over the batch) and gradient with respect to the prediction.

Each loss is a callable object: ``loss(y_true, y_pred, sample_weight=None) -> float``,
``loss.per_sample(y_true, y_pred) -> (batch,)`` and ``loss.gradient(y_true, y_pred, sample_weight=None)
-> dL/dy_pred`` (same shape as ``y_pred``, already divided by the batch size). With ``sample_weight``
``w`` the loss is ``sum(w_i * l_i) / batch`` (Keras' ``"sum_over_batch_size"`` reduction).

Probabilities are clipped to ``[EPSILON, 1 - EPSILON]`` as in Keras, so a confidently wrong
prediction gives a large but finite loss. With ``from_logits=True`` the prediction is a raw
score and the loss is computed with the log-sum-exp trick instead, exact at any magnitude
(logits of ±1000 included).
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid, softmax

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


class MeanSquaredError(Loss):
    """``mean((y_true - y_pred)**2)`` over all entries; gradient ``2 (y_pred - y_true) / size``."""

    name = "mse"

    def _value(self, y_true, y_pred):
        return np.mean((y_pred - y_true) ** 2, axis=tuple(range(1, y_pred.ndim)))

    def _gradient(self, y_true, y_pred):
        return 2.0 * (y_pred - y_true) / y_pred.size


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


mse = MeanSquaredError()
binary_crossentropy = BinaryCrossentropy()
categorical_crossentropy = CategoricalCrossentropy()
sparse_categorical_crossentropy = SparseCategoricalCrossentropy()

_TABLE = {
    "mse": MeanSquaredError, "mean_squared_error": MeanSquaredError,
    "binary_crossentropy": BinaryCrossentropy, "bce": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}


def get(name, from_logits: bool = False) -> Loss:
    """Return a loss by name (``'mse'``, ``'binary_crossentropy'``, ``'categorical_crossentropy'``,
    ``'sparse_categorical_crossentropy'``), or ``name`` itself if it is already a :class:`Loss`."""
    if isinstance(name, Loss):
        return name
    if isinstance(name, str) and name.lower() in _TABLE:
        return _TABLE[name.lower()](from_logits=from_logits)
    raise ValueError(f"unknown loss {name!r}; expected one of {sorted(_TABLE)} or a dlcore.losses.Loss object")
