"""Constant initializers: ``Zeros`` (biases, ``beta``), ``Ones`` (``gamma``) and ``Constant(value)``."""

from __future__ import annotations

import numpy as np

from .base import Initializer


class Constant(Initializer):
    """Every entry equal to ``value`` (default 0)."""

    def __init__(self, value: float = 0.0):
        super().__init__()
        self.value = float(value)

    def _sample(self, shape, rng):
        return np.full(shape, self.value)


class Zeros(Constant):
    """All zeros."""

    def __init__(self):
        super().__init__(0.0)


class Ones(Constant):
    """All ones."""

    def __init__(self):
        super().__init__(1.0)


def zeros(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """All zeros (biases, ``beta``)."""
    return np.zeros(shape, dtype=dtype)


def ones(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """All ones (``gamma``)."""
    return np.ones(shape, dtype=dtype)
