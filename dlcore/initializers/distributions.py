"""Fixed-scale random initializers: ``RandomNormal``, ``RandomUniform``, ``TruncatedNormal`` (Keras defaults)."""

from __future__ import annotations

import numpy as np

from .base import Initializer


def truncated_standard_normal(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Standard normal samples redrawn until all lie strictly inside ``(-2, 2)``, as Keras truncates.

    The result has standard deviation 0.8796 (:data:`TRUNCATED_STD`), not 1.
    """
    z = rng.standard_normal(size=shape)
    outside = np.abs(z) >= 2
    while outside.any():  # about 4.6 % of the draws each round
        z[outside] = rng.standard_normal(size=int(outside.sum()))
        outside = np.abs(z) >= 2
    return z


TRUNCATED_STD = 0.87962566103423978  # std of a standard normal truncated to (-2, 2), Keras' constant


class RandomNormal(Initializer):
    """Normal with mean ``mean`` and standard deviation ``stddev`` (Keras defaults 0 and 0.05)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean, self.stddev = float(mean), float(stddev)

    def _sample(self, shape, rng):
        return self.mean + self.stddev * rng.standard_normal(size=shape)


class RandomUniform(Initializer):
    """Uniform on ``[minval, maxval)`` (Keras defaults -0.05 and 0.05)."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        if not minval < maxval:
            raise ValueError(f"RandomUniform: minval must be below maxval, got minval={minval!r}, maxval={maxval!r}")
        self.minval, self.maxval = float(minval), float(maxval)

    def _sample(self, shape, rng):
        return rng.uniform(self.minval, self.maxval, size=shape)


class TruncatedNormal(Initializer):
    """Normal ``(mean, stddev)`` with values beyond 2 ``stddev`` from the mean redrawn (defaults 0, 0.05).

    The samples' standard deviation is therefore ``0.88 * stddev``; the variance-scaling
    initializers (``he_normal``, …) divide by that factor, this one does not (as in Keras).
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean, self.stddev = float(mean), float(stddev)

    def _sample(self, shape, rng):
        return self.mean + self.stddev * truncated_standard_normal(shape, rng)


def random_normal(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """``RandomNormal()(shape)``: normal, mean 0, standard deviation 0.05."""
    return RandomNormal()(shape, dtype)


def random_uniform(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """``RandomUniform()(shape)``: uniform on ``[-0.05, 0.05)``."""
    return RandomUniform()(shape, dtype)


def truncated_normal(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """``TruncatedNormal()(shape)``: normal (0, 0.05) truncated at ±0.1."""
    return TruncatedNormal()(shape, dtype)
