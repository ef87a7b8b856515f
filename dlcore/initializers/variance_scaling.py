"""Initializers scaled by the layer's fan-in/fan-out: Glorot, He and LeCun, uniform and normal.

Each keeps the variance of the signal roughly constant from layer to layer: variance
``scale / n`` with ``n`` = fan_in, fan_out or their mean. ``fan_in``/``fan_out`` follow Keras: for a
kernel of shape ``(..., in, out)`` the receptive field (the leading dimensions, e.g. ``kh * kw``
for a convolution) multiplies both. The ``_normal`` versions draw a normal truncated at 2 standard
deviations, widened by 1/0.8796 so that the *truncated* samples have the intended variance.
"""

from __future__ import annotations

import math

import numpy as np

from .base import Initializer
from .distributions import TRUNCATED_STD, truncated_standard_normal


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of this shape, as Keras computes them."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(Initializer):
    """Samples with variance ``scale / n``, ``n`` chosen by ``mode``.

    Parameters
    ----------
    scale : float
        Positive factor (2 for He, 1 for Glorot and LeCun).
    mode : {'fan_in', 'fan_out', 'fan_avg'}
        Which fan is ``n``.
    distribution : {'truncated_normal', 'untruncated_normal', 'uniform'}
        ``'uniform'`` draws from ``[-l, l)`` with ``l = sqrt(3 scale / n)``.
    seed : int, optional
        See :class:`~dlcore.initializers.base.Initializer`.
    """

    MODES = ("fan_in", "fan_out", "fan_avg")
    DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: int | None = None):
        super().__init__(seed)
        if not (np.isfinite(scale) and scale > 0):
            raise ValueError(f"VarianceScaling: scale must be a positive number, got {scale!r}")
        if mode not in self.MODES:
            raise ValueError(f"VarianceScaling: mode must be one of {self.MODES}, got {mode!r}")
        if distribution not in self.DISTRIBUTIONS:
            raise ValueError(f"VarianceScaling: distribution must be one of {self.DISTRIBUTIONS}, got {distribution!r}")
        self.scale, self.mode, self.distribution = float(scale), mode, distribution

    def _sample(self, shape, rng):
        fan_in, fan_out = compute_fans(shape)
        n = max(1.0, {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode])
        if self.distribution == "uniform":
            limit = math.sqrt(3 * self.scale / n)
            return rng.uniform(-limit, limit, size=shape)
        if self.distribution == "untruncated_normal":
            return math.sqrt(self.scale / n) * rng.standard_normal(size=shape)
        return math.sqrt(self.scale / n) / TRUNCATED_STD * truncated_standard_normal(shape, rng)


class GlorotUniform(VarianceScaling):
    """Uniform on ``[-l, l]``, ``l = sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio 2010); Keras' default."""

    def __init__(self, seed: int | None = None):
        super().__init__(1.0, "fan_avg", "uniform", seed)


class GlorotNormal(VarianceScaling):
    """Truncated normal with std ``sqrt(2 / (fan_in + fan_out))`` (Glorot & Bengio 2010)."""

    def __init__(self, seed: int | None = None):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed)


class HeUniform(VarianceScaling):
    """Uniform on ``[-l, l]``, ``l = sqrt(6 / fan_in)`` (He et al. 2015), for ReLU layers."""

    def __init__(self, seed: int | None = None):
        super().__init__(2.0, "fan_in", "uniform", seed)


class HeNormal(VarianceScaling):
    """Truncated normal with std ``sqrt(2 / fan_in)`` (He et al. 2015), for ReLU layers."""

    def __init__(self, seed: int | None = None):
        super().__init__(2.0, "fan_in", "truncated_normal", seed)


class LecunUniform(VarianceScaling):
    """Uniform on ``[-l, l]``, ``l = sqrt(3 / fan_in)`` (LeCun et al. 1998)."""

    def __init__(self, seed: int | None = None):
        super().__init__(1.0, "fan_in", "uniform", seed)


class LecunNormal(VarianceScaling):
    """Truncated normal with std ``sqrt(1 / fan_in)`` (LeCun et al. 1998); pairs with ``selu``."""

    def __init__(self, seed: int | None = None):
        super().__init__(1.0, "fan_in", "truncated_normal", seed)


def glorot_uniform(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """``GlorotUniform()(shape)``: uniform, limit ``sqrt(6 / (fan_in + fan_out))``."""
    return GlorotUniform()(shape, dtype)


def glorot_normal(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """``GlorotNormal()(shape)``: truncated normal, std ``sqrt(2 / (fan_in + fan_out))``."""
    return GlorotNormal()(shape, dtype)


def he_uniform(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """``HeUniform()(shape)``: uniform, limit ``sqrt(6 / fan_in)``."""
    return HeUniform()(shape, dtype)


def he_normal(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """``HeNormal()(shape)``: truncated normal, std ``sqrt(2 / fan_in)``; suited to ReLU layers."""
    return HeNormal()(shape, dtype)


def lecun_uniform(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """``LecunUniform()(shape)``: uniform, limit ``sqrt(3 / fan_in)``."""
    return LecunUniform()(shape, dtype)


def lecun_normal(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """``LecunNormal()(shape)``: truncated normal, std ``sqrt(1 / fan_in)``."""
    return LecunNormal()(shape, dtype)
