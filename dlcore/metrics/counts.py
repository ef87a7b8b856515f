"""Confusion counts at thresholds: the state behind Precision, Recall and AUC (Keras' ``metrics_utils``).

At a threshold ``t`` an output counts as a *positive prediction* when ``y_pred > t`` (strictly), so

- true positives ``TP(t)``: label 1 and ``y_pred > t``;   false negatives ``FN(t)``: label 1, ``y_pred <= t``;
- false positives ``FP(t)``: label 0 and ``y_pred > t``;  true negatives ``TN(t)``: label 0, ``y_pred <= t``;

each sample adding its ``sample_weight`` (default 1). Every entry of ``y_pred`` is one prediction:
an output of shape ``(n, 3)`` gives ``3n`` predictions (unless ``multi_label``: one count per column).
"""

from __future__ import annotations

import numpy as np

from .base import same_rank

EPSILON = 1e-7  # Keras' backend.epsilon(): AUC's end thresholds are -EPSILON and 1 + EPSILON
NEG_INF = -1e10  # Keras' stand-in for -inf: outputs outside the top k are set to it


def parse_thresholds(thresholds, name: str, default: float = 0.5) -> list[float]:
    """``thresholds`` (a float or a list) as a list of floats in [0, 1]; ``[default]`` for None."""
    if thresholds is None:
        return [default]
    values = list(np.ravel(thresholds)) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    bad = [t for t in values if not isinstance(t, (int, float, np.number)) or not 0.0 <= t <= 1.0]
    if bad or not values:
        raise ValueError(f"{name}: thresholds must be numbers in [0, 1], got {thresholds!r}")
    return [float(t) for t in values]


def evenly_spaced(thresholds) -> bool:
    """Whether ``thresholds`` are ``0, 1/(T-1), ..., 1`` (T >= 3): then counting is done by buckets, as Keras."""
    n = len(thresholds)
    return n >= 3 and np.allclose(thresholds, np.arange(n, dtype=np.float32) / (n - 1), atol=EPSILON)


def check_inputs(y_true, y_pred, sample_weight, name: str):
    """``(labels, outputs, weights)`` as float64 arrays of the outputs' shape, after checking them.

    Labels must be 0 or 1 (or booleans) with the outputs' shape, up to a trailing axis of 1;
    ``sample_weight`` is one weight per sample ``(n,)`` or one per output entry.
    """
    y_true, y_pred = same_rank(y_true, y_pred)
    if y_pred.ndim == 0 or y_true.shape != y_pred.shape:
        raise ValueError(f"{name}: labels of shape {y_true.shape} do not match outputs of shape {y_pred.shape}; "
                         "expected one 0/1 label per output (e.g. (n, 1) labels for a sigmoid output, one-hot "
                         "labels for a softmax output)")
    if not np.isin(y_true, (0, 1)).all():
        odd = np.unique(y_true[~np.isin(y_true, (0, 1))])[:5]
        raise ValueError(f"{name}: labels must be 0 or 1, got {odd.tolist()}; for integer class labels use one-hot "
                         "labels (and class_id=... to score one class)")
    y_true, y_pred = y_true.astype(np.float64), y_pred.astype(np.float64)
    if sample_weight is None:
        return y_true, y_pred, np.ones_like(y_pred)
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.shape != y_pred.shape:
        if w.size != len(y_pred) and w.ndim > 0:
            raise ValueError(f"{name}: sample_weight of shape {w.shape} fits neither the {len(y_pred)} samples nor "
                             f"the outputs' shape {y_pred.shape}")
        w = w.reshape((-1,) + (1,) * (y_pred.ndim - 1)) if w.ndim > 0 else w
    return y_true, y_pred, np.broadcast_to(w, y_pred.shape)


def keep_top_k(y_pred: np.ndarray, k: int, name: str) -> np.ndarray:
    """``y_pred`` with all but the ``k`` highest entries of each row (last axis) set to ``NEG_INF``."""
    if not (isinstance(k, (int, np.integer)) and not isinstance(k, bool) and k >= 1):
        raise ValueError(f"{name}: top_k must be a positive integer, got {k!r}")
    top = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    mask = np.zeros_like(y_pred)
    np.put_along_axis(mask, top, 1.0, axis=-1)
    return y_pred * mask + NEG_INF * (1 - mask)


def confusion_counts(y_true, y_pred, weights, thresholds, evenly: bool = False, multi_label: bool = False):
    """``(tp, fp, tn, fn)`` at each threshold: shape ``(T,)``, or ``(T, labels)`` with ``multi_label``.

    ``y_true``, ``y_pred`` and ``weights`` have the same shape (see ``check_inputs``). ``evenly``:
    the thresholds are evenly spaced in [0, 1] (see ``evenly_spaced``), so buckets count faster.
    """
    thresholds = np.asarray(thresholds, dtype=np.float64)
    if multi_label:
        columns = y_pred.shape[-1]
    else:
        y_true, y_pred, weights, columns = y_true.reshape(-1), y_pred.reshape(-1), weights.reshape(-1), 1
    y_true, y_pred, weights = (a.reshape(-1, columns) for a in (y_true, y_pred, weights))
    positives, negatives = y_true * weights, (1.0 - y_true) * weights
    if evenly:
        with_epsilon = thresholds[0] < 0 or thresholds[-1] > 1
        tp, fp = _bucket_counts(positives, negatives, y_pred, len(thresholds), with_epsilon)
    else:  # compare every output with every threshold: (T, n, columns)
        above = y_pred[None] > thresholds[:, None, None]
        tp, fp = (above * positives).sum(axis=1), (above * negatives).sum(axis=1)
    fn, tn = positives.sum(axis=0) - tp, negatives.sum(axis=0) - fp
    return tuple(c if multi_label else c[:, 0] for c in (tp, fp, tn, fn))


def _bucket_counts(positives, negatives, y_pred, n_thresholds: int, with_epsilon: bool):
    """TP and FP for evenly spaced thresholds in one pass (Keras' fast path, exactly its arithmetic).

    Output ``p`` is above thresholds ``0 .. ceil(p (T-1)) - 1``: add its weight to that bucket, then
    a cumulative sum from the top gives the counts at every threshold.
    """
    bucket = np.ceil(np.clip(y_pred, 0.0, 1.0) * (n_thresholds - 1)) - 1
    if with_epsilon:  # the first threshold is -epsilon: every output is above it
        bucket = np.maximum(bucket, 0)
    bucket = bucket.astype(np.int64)
    counts = []
    for weighted in (positives, negatives):
        per_bucket = np.zeros((n_thresholds, weighted.shape[1]))
        for col in range(weighted.shape[1]):
            valid = bucket[:, col] >= 0
            per_bucket[:, col] = np.bincount(bucket[valid, col], weights=weighted[valid, col],
                                             minlength=n_thresholds)[:n_thresholds]
        counts.append(np.cumsum(per_bucket[::-1], axis=0)[::-1])
    return counts
