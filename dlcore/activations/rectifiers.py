"""The ReLU family: identity for positive inputs, something flat or small for negative ones.

relu, leaky_relu (Keras 3's default slope 0.2), elu and selu.
"""

from __future__ import annotations

import numpy as np

LEAKY_SLOPE = 0.2  # leaky_relu's negative slope: Keras 3's default (PyTorch's is 0.01)
SELU_ALPHA = 1.6732632423543772848170429916717  # Klambauer et al. 2017: these two constants make
SELU_SCALE = 1.0507009873554804934193349852946  # mean 0, variance 1 a fixed point of a layer


def relu(x: np.ndarray) -> np.ndarray:
    """Rectified linear unit ``max(0, x)``."""
    return np.maximum(x, 0)


def relu_grad(x: np.ndarray) -> np.ndarray:
    """Derivative of ReLU: 1 where ``x > 0``, else 0 (we take 0 at the kink ``x = 0``)."""
    x = np.asarray(x)
    return (x > 0).astype(np.result_type(x, np.float32))


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
