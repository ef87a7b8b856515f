"""``MaxPooling1D`` and ``AveragePooling1D``: pooling along time, ``(batch, T, C)`` → ``(batch, To, C)``.

A sequence is an image of height 1: both wrap the 2-D layers of :mod:`dlcore.layers.pooling`
with a ``(1, p)`` window on ``x[:, None]``.
"""

from __future__ import annotations

import numpy as np

from .base import Layer
from .conv1d import _single
from .pooling import AveragePooling2D, MaxPool2D


class _Pool1D(Layer):
    pool_2d = MaxPool2D

    def __init__(self, pool_size=2, strides=None, padding: str = "valid", input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        self.pool_size = _single(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else _single(strides, "strides")
        self.pool = self.pool_2d((1, self.pool_size), strides=(1, self.strides), padding=padding,
                                 name=f"{self.name}_2d")
        self.padding = self.pool.padding

    def compute_output_shape(self, input_shape):
        b, t, c = input_shape
        return (b, self.pool.compute_output_shape((b, 1, t, c))[2], c)

    def forward(self, x, training=False):
        """``x (batch, T, C)`` → ``(batch, To, C)``."""
        x = self._prepare(x, ndim=3)
        if self.padding == "valid" and x.shape[1] < self.pool_size:
            raise self.shape_error(x.shape, f"sequences of at least {self.pool_size} steps",
                                   "the sequence is shorter than the pool window; use padding='same'")
        return self.pool.forward(x[:, None])[:, 0]

    def backward(self, dout):
        """``dout (batch, To, C)`` → ``dx (batch, T, C)``."""
        return self.pool.backward(np.asarray(dout)[:, None])[:, 0]

    def get_config(self):
        return {"name": self.name, "pool_size": self.pool_size, "strides": self.strides, "padding": self.padding}


class MaxPooling1D(_Pool1D):
    """Max over windows of ``pool_size`` steps (gradient to the first max on ties). No parameters.

    Shapes: ``x (batch, T, C)`` → ``(batch, To, C)``, ``To = floor((T - p) / s) + 1`` (``"valid"``)
    or ``ceil(T / s)`` (``"same"``).

    Parameters
    ----------
    pool_size : int
        Window length ``p``.
    strides : int, optional
        Step ``s``; defaults to ``pool_size``.
    padding : {"valid", "same"}
    """


class AveragePooling1D(_Pool1D):
    """Mean over windows of ``pool_size`` steps (``"same"``: border windows average real steps only).

    Shapes and parameters as :class:`MaxPooling1D`.
    """

    pool_2d = AveragePooling2D


MaxPool1D, AvgPool1D = MaxPooling1D, AveragePooling1D  # Keras' aliases
