"""Smooth relatives of ReLU: softplus, silu (swish) and gelu.

They are differentiable everywhere and, except softplus, dip slightly below zero for negative inputs.
"""

from __future__ import annotations

import math

import numpy as np

from .squashing import sigmoid

# numpy has no erf and dlcore does not depend on scipy: apply the C library's erf element by element
_erf = np.vectorize(math.erf, otypes=[np.float64])
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_GELU_CUBIC = 0.044715  # Hendrycks & Gimpel's coefficient in the tanh approximation


def softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + exp(x))``, a smooth ReLU, computed without overflow as ``logaddexp(0, x)``."""
    return np.logaddexp(0, x)


def softplus_grad(x: np.ndarray) -> np.ndarray:
    """Derivative of softplus: ``sigmoid(x)``."""
    return sigmoid(x)


def silu(x: np.ndarray) -> np.ndarray:
    """Sigmoid linear unit ``x * sigmoid(x)``, also called swish (Ramachandran et al. 2017)."""
    x = np.asarray(x)
    return x * sigmoid(x)


def silu_grad(x: np.ndarray) -> np.ndarray:
    """Derivative of silu: ``s * (1 + x * (1 - s))`` with ``s = sigmoid(x)``."""
    x = np.asarray(x)
    s = sigmoid(x)
    return s * (1 + x * (1 - s))


swish = silu  # Keras exports both names for the same function
swish_grad = silu_grad


def gelu(x: np.ndarray, approximate: bool = False) -> np.ndarray:
    """Gaussian error linear unit ``x * Phi(x)`` (Hendrycks & Gimpel 2016), ``Phi`` the normal CDF.

    ``approximate=False`` (Keras' default for the activation) uses the exact ``erf``;
    ``approximate=True`` uses ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x**3)))``.
    """
    x = np.asarray(x)
    if approximate:
        return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x**3)))
    return (0.5 * x * (1 + _erf(x / math.sqrt(2)))).astype(np.result_type(x, np.float32), copy=False)


def gelu_grad(x: np.ndarray, approximate: bool = False) -> np.ndarray:
    """Derivative of gelu: ``Phi(x) + x * phi(x)`` (exact), or that of the tanh form."""
    x = np.asarray(x)
    if approximate:
        t = np.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x**3))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * x**2)
    cdf = 0.5 * (1 + _erf(x / math.sqrt(2)))
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return (cdf + x * pdf).astype(np.result_type(x, np.float32), copy=False)
