"""``Reshape`` and ``RepeatVector``: moving numbers around without changing them (no parameters)."""

from __future__ import annotations

import math

import numpy as np

from .base import Layer


class Reshape(Layer):
    """Reshape each sample: ``x (batch, *in_shape)`` → ``(batch, *target_shape)``.

    Parameters
    ----------
    target_shape : tuple of int
        Shape of one output sample; at most one entry may be ``-1`` (inferred, as in Keras).
    """

    def __init__(self, target_shape, input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        self.target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in self.target_shape) > 1 or any(d < 1 and d != -1 for d in self.target_shape):
            raise ValueError(f"Reshape: target_shape needs positive sizes and at most one -1, got {target_shape!r}")

    def _resolved(self, sample_shape) -> tuple:
        """``target_shape`` with the ``-1`` filled in for samples of ``sample_shape``."""
        size, known = math.prod(sample_shape), math.prod(d for d in self.target_shape if d != -1)
        free = -1 in self.target_shape
        if (size % known if free else size != known):
            fits = f"a multiple of {known}" if free else f"{known}"
            raise self.shape_error((None, *sample_shape), f"samples of {fits} numbers",
                                   f"cannot reshape {size} numbers to {self.target_shape}")
        return tuple(size // known if d == -1 else d for d in self.target_shape)

    def compute_output_shape(self, input_shape):
        if any(d is None for d in input_shape[1:]):
            return (input_shape[0], *(None if d == -1 else d for d in self.target_shape))
        return (input_shape[0], *self._resolved(input_shape[1:]))

    def forward(self, x, training=False):
        """``x (batch, *in_shape)`` → ``(batch, *target_shape)`` (a view when possible)."""
        x = self._prepare(x, min_ndim=1)
        self._in_shape = x.shape
        return x.reshape(x.shape[0], *self._resolved(x.shape[1:]))

    def backward(self, dout):
        """``dout (batch, *target_shape)`` → ``dx (batch, *in_shape)``."""
        return np.asarray(dout).reshape(self._in_shape)

    def get_config(self):
        return {"name": self.name, "target_shape": self.target_shape}


class RepeatVector(Layer):
    """Repeat a vector ``n`` times along a new time axis: ``x (batch, F)`` → ``(batch, n, F)``.

    The classic bridge from an encoder's final state to a decoder that needs a sequence.
    The gradient sums over the ``n`` copies.

    Parameters
    ----------
    n : int
        Number of repetitions.
    """

    def __init__(self, n: int, input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"RepeatVector: n must be a positive integer, got {n!r}")
        self.n = int(n)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def forward(self, x, training=False):
        """``x (batch, F)`` → ``(batch, n, F)``."""
        x = self._prepare(x, ndim=2)
        return np.repeat(x[:, None, :], self.n, axis=1)

    def backward(self, dout):
        """``dout (batch, n, F)`` → ``dx (batch, F)``: the sum over the copies."""
        return np.asarray(dout).sum(axis=1)

    def get_config(self):
        return {"name": self.name, "n": self.n}
