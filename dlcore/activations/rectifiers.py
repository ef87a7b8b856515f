"""The ReLU family: identity for positive inputs, something flat or small for negative ones.

relu (with Keras' ``negative_slope``, ``max_value`` and ``threshold``), leaky_relu (Keras 3's default
slope 0.2), elu and selu.
"""

from __future__ import annotations

import numpy as np

LEAKY_SLOPE = 0.2  # leaky_relu's negative slope: Keras 3's default (PyTorch's is 0.01)
SELU_ALPHA = 1.6732632423543772848170429916717  # Klambauer et al. 2017: these two constants make
SELU_SCALE = 1.0507009873554804934193349852946  # mean 0, variance 1 a fixed point of a layer


def relu(x: np.ndarray, negative_slope: float = 0.0, max_value: float | None = None,
         threshold: float = 0.0) -> np.ndarray:
    """Rectified linear unit ``max(0, x)``, with Keras' three options.

    In general (``keras.activations.relu``): ``x`` where ``x > threshold`` (else 0), clipped to
    ``[0, max_value]`` when ``max_value`` is given, minus ``negative_slope * max(threshold - x, 0)``.
    ``relu(x, max_value=6)`` is ReLU6; ``relu(x, negative_slope=a)`` is ``leaky_relu(x, a)``.
    """
    x = np.asarray(x)
    if negative_slope == 0 and max_value is None and threshold == 0:
        return np.maximum(x, 0)  # the plain rectifier
    y = np.where(x > threshold, x, 0)
    if max_value is not None:
        y = np.clip(y, 0, max_value)
    if negative_slope != 0:
        y = y - negative_slope * np.maximum(threshold - x, 0)
    return y.astype(np.result_type(x, np.float32), copy=False)


def relu_grad(x: np.ndarray, negative_slope: float = 0.0, max_value: float | None = None,
              threshold: float = 0.0) -> np.ndarray:
    """Derivative of :func:`relu`: 1 where the output follows ``x`` (``x > threshold``, and inside
    ``(0, max_value)`` when capped), ``negative_slope`` where ``x < threshold``, else 0 (0 at the kinks)."""
    x = np.asarray(x)
    follows = x > threshold
    if max_value is not None:
        follows &= (x > 0) & (x < max_value)
    grad = follows.astype(np.result_type(x, np.float32))
    return grad + negative_slope * (x < threshold) if negative_slope != 0 else grad


def leaky_relu(x: np.ndarray, negative_slope: float = LEAKY_SLOPE) -> np.ndarray:
    """``x`` for ``x > 0``, ``negative_slope * x`` otherwise; never has a zero gradient.

    The default 0.2 is Keras 3's (``keras.activations.leaky_relu``); PyTorch uses 0.01.
    """
    x = np.asarray(x)
    return np.where(x > 0, x, negative_slope * x)


def leaky_relu_grad(x: np.ndarray, negative_slope: float = LEAKY_SLOPE) -> np.ndarray:
    """Derivative of leaky ReLU: 1 where ``x > 0``, ``negative_slope`` otherwise."""
    x = np.asarray(x)
    return np.where(x > 0, 1.0, negative_slope).astype(np.result_type(x, np.float32))


def elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Exponential linear unit: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise (Clevert et al. 2016).

    Smooth at 0 when ``alpha = 1``; saturates at ``-alpha`` for very negative inputs.
    """
    x = np.asarray(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))  # minimum: no overflow in the unused branch


def elu_grad(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Derivative of ELU: 1 for ``x > 0``, ``alpha * exp(x)`` otherwise."""
    x = np.asarray(x)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0))).astype(np.result_type(x, np.float32))


def selu(x: np.ndarray) -> np.ndarray:
    """Scaled ELU: ``SELU_SCALE * elu(x, SELU_ALPHA)`` (Klambauer et al. 2017; use with ``lecun_normal``)."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


def selu_grad(x: np.ndarray) -> np.ndarray:
    """Derivative of SELU: ``SELU_SCALE`` for ``x > 0``, ``SELU_SCALE * SELU_ALPHA * exp(x)`` otherwise."""
    return SELU_SCALE * elu_grad(x, SELU_ALPHA)
