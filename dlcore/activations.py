"""Activation functions, their derivatives, and ``get(name)``.

Every function works elementwise on arrays of any shape (``softmax`` along ``axis``).
The ``*_grad`` functions return the derivative with respect to the *input* ``x``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

LEAKY_SLOPE = 0.01  # slope for x < 0 in leaky_relu (PyTorch's default; Keras uses 0.2)


def linear(x: np.ndarray) -> np.ndarray:
    """Identity: ``linear(x) = x``."""
    return np.asarray(x)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-x))``, computed without overflow.

    For ``x < 0`` it uses ``exp(x) / (1 + exp(x))`` so that ``exp`` never sees a large
    positive argument: ``sigmoid(-1000)`` is ``0.0`` with no warning.
    """
    x = np.asarray(x)
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(np.result_type(x, np.float32), copy=False)


def sigmoid_grad(x: np.ndarray) -> np.ndarray:
    """Derivative ``sigmoid(x) * (1 - sigmoid(x))``; at most 0.25, reached at ``x = 0``."""
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent, output in ``(-1, 1)``."""
    return np.tanh(x)


def tanh_grad(x: np.ndarray) -> np.ndarray:
    """Derivative ``1 - tanh(x)**2``; equals 1 at ``x = 0``."""
    return 1 - np.tanh(x) ** 2


def relu(x: np.ndarray) -> np.ndarray:
    """Rectified linear unit ``max(0, x)``."""
    return np.maximum(x, 0)


def relu_grad(x: np.ndarray) -> np.ndarray:
    """Derivative of ReLU: 1 where ``x > 0``, else 0 (we take 0 at the kink ``x = 0``)."""
    x = np.asarray(x)
    return (x > 0).astype(np.result_type(x, np.float32))


def leaky_relu(x: np.ndarray, alpha: float = LEAKY_SLOPE) -> np.ndarray:
    """``x`` for ``x > 0``, ``alpha * x`` otherwise; never has a zero gradient."""
    x = np.asarray(x)
    return np.where(x > 0, x, alpha * x)


def leaky_relu_grad(x: np.ndarray, alpha: float = LEAKY_SLOPE) -> np.ndarray:
    """Derivative of leaky ReLU: 1 where ``x > 0``, ``alpha`` otherwise."""
    x = np.asarray(x)
    return np.where(x > 0, 1.0, alpha).astype(np.result_type(x, np.float32))


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


# name -> (function, backward(x, y, dout) -> dx). Backward may use the input x or the output y.
_TABLE: dict[str, tuple[Callable, Callable]] = {
    "linear": (linear, lambda x, y, d: d),
    "sigmoid": (sigmoid, lambda x, y, d: d * y * (1 - y)),
    "tanh": (tanh, lambda x, y, d: d * (1 - y * y)),
    "relu": (relu, lambda x, y, d: d * (x > 0)),
    "leaky_relu": (leaky_relu, lambda x, y, d: d * np.where(x > 0, 1.0, LEAKY_SLOPE).astype(d.dtype)),
    "softmax": (softmax, lambda x, y, d: softmax_vjp(y, d)),
}


def names() -> list[str]:
    """The activation names :func:`get` accepts."""
    return sorted(_TABLE)


def _canonical(name: str | None) -> str:
    if name is None:
        return "linear"
    if not isinstance(name, str):
        raise ValueError(f"activation must be a name such as 'relu' or None, got {name!r}")
    key = name.lower()
    if key not in _TABLE:
        raise ValueError(f"unknown activation {name!r}; expected one of {names()} or None")
    return key


def get(name: str | None) -> Callable[[np.ndarray], np.ndarray]:
    """Return the activation function called ``name`` (``None`` means linear).

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.
    """
    return _TABLE[_canonical(name)][0]


def backward(name: str | None, x: np.ndarray, y: np.ndarray, dout: np.ndarray) -> np.ndarray:
    """Gradient with respect to the input of activation ``name``.

    Parameters
    ----------
    name : str or None
        Activation name.
    x, y : ndarray
        Its input and output from the forward pass (same shape).
    dout : ndarray
        Upstream gradient, same shape as ``y``.
    """
    return _TABLE[_canonical(name)][1](x, y, dout)
