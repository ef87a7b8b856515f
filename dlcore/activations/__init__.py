"""Activation functions with Keras 3's names and defaults, their derivatives, and ``get(name)``.

Every function works elementwise on arrays of any shape (``softmax`` along ``axis``).
The ``*_grad`` functions return the derivative with respect to the *input* ``x``;
:func:`backward` is what the layers call.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .rectifiers import (
    LEAKY_SLOPE,
    SELU_ALPHA,
    SELU_SCALE,
    elu,
    elu_grad,
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
    selu,
    selu_grad,
)
from .smooth import gelu, gelu_grad, silu, silu_grad, softplus, softplus_grad, swish, swish_grad
from .softmax import softmax, softmax_grad, softmax_vjp
from .squashing import (
    hard_sigmoid,
    hard_sigmoid_grad,
    sigmoid,
    sigmoid_grad,
    softsign,
    softsign_grad,
    tanh,
    tanh_grad,
)


def linear(x: np.ndarray) -> np.ndarray:
    """Identity: ``linear(x) = x``."""
    return np.asarray(x)


def _from_input(grad_fn: Callable) -> Callable:
    """A backward ``(x, y, dout) -> dx`` that multiplies ``dout`` by ``grad_fn(x)``."""
    return lambda x, y, d: d * grad_fn(x).astype(d.dtype, copy=False)


# name -> (function, backward(x, y, dout) -> dx). Backward may use the input x or the output y.
_TABLE: dict[str, tuple[Callable, Callable]] = {
    "linear": (linear, lambda x, y, d: d),
    "sigmoid": (sigmoid, lambda x, y, d: d * y * (1 - y)),
    "tanh": (tanh, lambda x, y, d: d * (1 - y * y)),
    "relu": (relu, lambda x, y, d: d * (x > 0)),
    "leaky_relu": (leaky_relu, _from_input(leaky_relu_grad)),
    "elu": (elu, lambda x, y, d: d * np.where(x > 0, 1, y + 1)),  # alpha = 1: exp(x) = y + 1
    "selu": (selu, lambda x, y, d: d * np.where(x > 0, SELU_SCALE, y + SELU_SCALE * SELU_ALPHA)),
    "softplus": (softplus, _from_input(softplus_grad)),
    "softsign": (softsign, _from_input(softsign_grad)),
    "silu": (silu, _from_input(silu_grad)),
    "swish": (swish, _from_input(swish_grad)),
    "gelu": (gelu, _from_input(gelu_grad)),
    "hard_sigmoid": (hard_sigmoid, _from_input(hard_sigmoid_grad)),
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


def get(identifier: str | None) -> Callable[[np.ndarray], np.ndarray]:
    """Return the activation function named ``identifier`` (``None`` means linear), with Keras' defaults.

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.
    """
    return _TABLE[_canonical(identifier)][0]


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


__all__ = [
    "LEAKY_SLOPE", "SELU_ALPHA", "SELU_SCALE", "backward", "elu", "elu_grad", "gelu", "gelu_grad", "get",
    "hard_sigmoid", "hard_sigmoid_grad", "leaky_relu", "leaky_relu_grad", "linear", "names", "relu", "relu_grad",
    "selu", "selu_grad", "sigmoid", "sigmoid_grad", "silu", "silu_grad", "softmax", "softmax_grad", "softmax_vjp",
    "softplus", "softplus_grad", "softsign", "softsign_grad", "swish", "swish_grad", "tanh", "tanh_grad",
]
