"""S-shaped activations with a bounded output: sigmoid, tanh, softsign, hard_sigmoid."""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-x))``, output in ``(0, 1)``, computed without overflow.

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


def softsign(x: np.ndarray) -> np.ndarray:
    """``x / (1 + |x|)``: like tanh, in ``(-1, 1)``, but approaching its limits only like ``1/x``."""
    x = np.asarray(x)
    return x / (1 + np.abs(x))


def softsign_grad(x: np.ndarray) -> np.ndarray:
    """Derivative ``1 / (1 + |x|)**2``."""
    return 1 / (1 + np.abs(np.asarray(x))) ** 2


def hard_sigmoid(x: np.ndarray) -> np.ndarray:
    """Piecewise-linear sigmoid of Keras 3: ``relu6(x + 3) / 6``, i.e. ``clip(x / 6 + 1/2, 0, 1)``.

    (Keras 2 used ``clip(0.2 x + 0.5, 0, 1)``; Keras 3 and PyTorch use slope 1/6.)
    """
    x = np.asarray(x)
    return np.clip(x + 3, 0, 6) / 6


def hard_sigmoid_grad(x: np.ndarray) -> np.ndarray:
    """Derivative: ``1/6`` for ``-3 < x < 3``, else 0 (0 at the two kinks)."""
    x = np.asarray(x)
    return np.where((x > -3) & (x < 3), 1 / 6, 0.0).astype(np.result_type(x, np.float32))
