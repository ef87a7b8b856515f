"""The initializer base class: a callable ``(shape, dtype) -> array`` with an optional seed."""

from __future__ import annotations

import numpy as np

from ..random import rng_for


def check_shape(owner: str, shape) -> tuple[int, ...]:
    """``shape`` as a tuple of ints, or a ``ValueError`` naming ``owner`` and what was expected."""
    if not isinstance(shape, (tuple, list)) or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise ValueError(f"{owner}: shape must be a tuple of non-negative integers such as (784, 128), got {shape!r}")
    return tuple(int(n) for n in shape)


class Initializer:
    """Base class: ``initializer(shape, dtype=np.float32)`` returns a new array of that shape.

    Parameters
    ----------
    seed : int, optional
        ``None`` (default) draws from dlcore's shared generator, so ``dlcore.set_seed`` fixes
        the result. An integer gives a private generator per call, so every call returns the same
        values (as a seeded Keras initializer does).
    """

    def __init__(self, seed: int | None = None):
        rng_for(seed)  # validates the seed now rather than at the first call
        self.seed = seed

    def __call__(self, shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
        shape = check_shape(type(self).__name__, shape)
        return np.asarray(self._sample(shape, rng_for(self.seed)), dtype=dtype)

    def _sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"
