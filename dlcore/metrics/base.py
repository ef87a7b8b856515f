"""The metric protocol ``fit``/``evaluate`` use, Keras 3's: ``reset_state``, ``update_state``, ``result``.

A metric object *accumulates* over the batches of an epoch and reports one value at its end. For a
mean such as accuracy, the state is a weighted sum and a count (:class:`MeanMetricWrapper`); for
precision, recall and AUC it is counts of true/false positives, so the epoch's precision is
``TP / (TP + FP)`` over all its samples, not the mean of the per-batch precisions.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np


def same_rank(y_true, y_pred):
    """Arrays, ``y_true`` reshaped like ``y_pred`` when only a trailing axis of 1 differs."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        y_true = y_true[..., None]
    elif y_pred.ndim == y_true.ndim - 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return y_true, y_pred


def mean_per_sample(values: np.ndarray) -> np.ndarray:
    """Mean over every axis but the first: shape ``(batch,)``."""
    return values.reshape(len(values), -1).mean(axis=1) if values.ndim > 1 else values.astype(np.float64)


def divide_no_nan(a, b):
    """``a / b``, and 0 where ``b`` is 0 (Keras' ``ops.divide_no_nan``: no sample, no ratio)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))


def snake_case(name: str) -> str:
    """``AUC`` → ``auc``, ``myMetric`` → ``my_metric``, ``<lambda>`` → ``lambda`` (Keras' ``to_snake_case``)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def auto_name(class_name: str) -> str:
    """``AUC`` → ``auc``, then ``auc_1``, ``auc_2`` ...: Keras' default names, counted with the layers'."""
    from ..layers.base import _name_counts
    base = snake_case(class_name)
    n = _name_counts[base]
    _name_counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


class Metric:
    """Base class: a value accumulated over batches.

    Subclasses define :meth:`reset_state`, :meth:`update_state` and :meth:`result`.

    Parameters
    ----------
    dtype : optional
        Accepted for Keras compatibility; dlcore accumulates in float64.
    name : str, optional
        The name in ``fit``/``evaluate`` logs; by default the class name in snake case, numbered
        from the second instance on (``auc``, ``auc_1``, ...), as in Keras.
    """

    def __init__(self, dtype=None, name: str | None = None):
        self.name = name or auto_name(type(self).__name__)
        self.dtype = dtype

    def reset_state(self) -> None:
        """Forget every batch seen so far (``fit`` calls it at the start of each epoch)."""
        raise NotImplementedError

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        """Add one batch of labels ``y_true`` and outputs ``y_pred`` (weighted by ``sample_weight``)."""
        raise NotImplementedError

    def result(self):
        """The value over every batch since the last :meth:`reset_state` (a float)."""
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None):
        """Update with one batch and return the result, as Keras' ``metric(y_true, y_pred)``."""
        self.update_state(y_true, y_pred, sample_weight=sample_weight)
        return self.result()

    def get_config(self) -> dict:
        """The constructor arguments that rebuild this metric (used by ``model.save``)."""
        return {"name": self.name, "dtype": self.dtype}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class MeanMetricWrapper(Metric):
    """The (weighted) mean over all samples of a per-sample function, e.g. accuracy or MSE.

    Parameters
    ----------
    fn : callable
        ``fn(y_true, y_pred, **kwargs)`` returning one value per sample ``(batch,)`` (or per entry
        ``(batch, ...)``, averaged per sample), or a single float for the whole batch. For dlcore's
        functions (``binary_accuracy``, ``mean_squared_error``, ...) their per-sample versions are used.
    name : str, optional
        Default ``"mean_metric_wrapper"`` (numbered as Keras does); ``compile`` names it after ``fn``.
    **kwargs
        Passed on to ``fn`` (e.g. ``k=3`` for top-k accuracy).
    """

    def __init__(self, fn: Callable, name: str | None = None, dtype=None, **kwargs):
        from . import PER_SAMPLE  # dlcore's batch-mean functions: their per-sample twins make the mean
        super().__init__(name=name, dtype=dtype)
        self.fn, self._values, self._fn_kwargs = fn, PER_SAMPLE.get(fn, fn), kwargs
        self.reset_state()

    def reset_state(self) -> None:
        self.total, self.count = 0.0, 0.0

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None) -> None:
        """Add one batch; ``mask`` ``(batch, steps)`` (a sequence output's padding mask, as Keras reads it from
        ``y_pred``) makes the padded steps weigh 0 and each real step count once."""
        if mask is not None:
            sample_weight = _masked_weights(sample_weight, mask)
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if weights is not None and weights.ndim == 2 and weights.shape[1] == 1:
            weights = weights[:, 0]
        if weights is not None and weights.ndim > 1:  # one weight per step: (batch, steps, ...) -> (batch * steps, ...)
            y_true = np.asarray(y_true).reshape(-1, *np.shape(y_true)[weights.ndim:])
            y_pred = np.asarray(y_pred).reshape(-1, *np.shape(y_pred)[weights.ndim:])
        values = per_sample_values(self._values(y_true, y_pred, **self._fn_kwargs), len(y_pred))
        if weights is None:
            weights = np.ones(len(values))
        elif weights.size != values.size:
            raise ValueError(f"{self.name}: sample_weight must hold one weight per sample, {values.shape}, "
                             f"got shape {np.shape(sample_weight)}")
        weights = weights.reshape(-1)
        self.total += float(np.sum(values * weights))
        self.count += float(np.sum(weights))

    def result(self) -> float:
        return float(divide_no_nan(self.total, self.count))

    def get_config(self) -> dict:
        return {"fn": self.fn, **super().get_config(), **self._fn_kwargs}


def _masked_weights(sample_weight, mask) -> np.ndarray:
    """The mask as 0/1 weights ``(batch, steps)``, times ``sample_weight`` (Keras' ``apply_mask`` with the
    ``"sum"`` reduction: a metric's mean divides by the weights' sum, so real steps simply weigh 1)."""
    weights = np.asarray(mask, dtype=np.float64)
    if sample_weight is not None:
        w = np.asarray(sample_weight, dtype=np.float64)
        weights = weights * w.reshape(w.shape + (1,) * (weights.ndim - w.ndim))
    return weights


def per_sample_values(values, n: int) -> np.ndarray:
    """``values`` as ``(n,)``: per-entry values averaged per sample, a single float repeated ``n`` times."""
    values = np.asarray(values, dtype=np.float64)
    return np.broadcast_to(values, (n,)) if values.ndim == 0 else mean_per_sample(values)
