"""``Flatten``: ``(batch, d1, d2, ...)`` → ``(batch, d1 * d2 * ...)``, the bridge from images to ``Dense``."""

from __future__ import annotations

import math

import numpy as np

from .base import Layer


class Flatten(Layer):
    """Reshape every sample to one vector: ``x (batch, ...)`` → ``(batch, prod(...))``. No parameters.

    Row-major (C) order, as Keras with channels-last images: ``(batch, H, W, C)`` becomes
    ``(batch, H * W * C)`` with the channel index varying fastest. ``backward`` reshapes back.

    Parameters
    ----------
    input_shape : tuple of int, optional
        Shape of one sample.
    """

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))

    def forward(self, x, training=False):
        """``x (batch, ...)`` → ``(batch, prod(...))`` (a view of ``x`` when ``x`` is contiguous)."""
        x = self._prepare(x, min_ndim=1)
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout):
        """``dout (batch, prod(...))`` → ``dx`` with the input's shape."""
        shape = self._cache
        dout = np.asarray(dout)
        if dout.shape != (shape[0], math.prod(shape[1:])):
            raise ValueError(f"{self.describe()}: backward got dout of shape {dout.shape}, "
                             f"expected {(shape[0], math.prod(shape[1:]))}")
        return dout.reshape(shape)
