"""Softmax: scores to probabilities along one axis, its Jacobian and its vector-Jacobian product."""

from __future__ import annotations

import numpy as np


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """``exp(x) / sum(exp(x))`` along ``axis``, shifted by the max so it never overflows.

    ``softmax([1000, 0, -1000])`` is exactly ``[1, 0, 0]``.
    """
    x = np.asarray(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_grad(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Jacobian of softmax for one vector ``x`` of shape ``(K,)``: ``diag(s) - s s^T``, shape ``(K, K)``.

    For batches use the vector-Jacobian product :func:`softmax_vjp`, which never forms the matrix.
    """
    s = softmax(np.asarray(x), axis=axis)
    if s.ndim != 1:
        raise ValueError(f"softmax_grad expects one vector of shape (K,), got shape {s.shape}; "
                         "use softmax_vjp for batches")
    return np.diag(s) - np.outer(s, s)


def softmax_vjp(s: np.ndarray, dout: np.ndarray, axis: int = -1) -> np.ndarray:
    """Gradient through softmax given its *output* ``s`` and upstream ``dout`` (same shape).

    ``dx = s * (dout - sum(dout * s, axis))``: the Jacobian-vector product, O(K) per row.
    """
    return s * (dout - np.sum(dout * s, axis=axis, keepdims=True))
