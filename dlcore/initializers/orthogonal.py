"""The orthogonal initializer (Saxe et al. 2014): Keras' default for recurrent kernels."""

from __future__ import annotations

import math

import numpy as np

from .base import Initializer


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix times ``gain``; shapes ``(..., cols)`` are flattened to ``(rows, cols)``.

    Parameters
    ----------
    gain : float
        Multiplies the matrix (default 1).
    seed : int, optional
        See :class:`~dlcore.initializers.base.Initializer`.
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None):
        super().__init__(seed)
        self.gain = float(gain)

    def _sample(self, shape, rng):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: shape must have at least 2 dimensions, got {shape}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = rng.standard_normal(size=(max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))  # make the decomposition unique
        return np.ascontiguousarray(self.gain * (q if rows >= cols else q.T)).reshape(shape)


def orthogonal(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """``Orthogonal()(shape)``: a (semi-)orthogonal matrix of shape ``(rows, cols)``."""
    return Orthogonal()(shape, dtype)
