"""``GlobalAveragePooling1D``: the mean over time, turning a sequence into one vector per sample."""

from __future__ import annotations

import numpy as np

from ..tape import record
from .base import Layer


class GlobalAveragePooling1D(Layer):
    """Average over the time axis: ``x (batch, T, features)`` → ``(batch, features)``. No parameters.

    With a padding ``mask (batch, T)`` (True = real token) only the real steps are averaged, so
    padding does not dilute the mean; a sample with no real step gives zeros.
    """

    def __init__(self, input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])

    def forward(self, x, training=False, mask=None):
        """``x (batch, T, features)`` → ``(batch, features)``; ``mask (batch, T)`` of bool, optional."""
        x = self._prepare(x, ndim=3)
        b, t, _ = x.shape
        if mask is None:
            w = np.full((b, t), 1.0 / t, dtype=x.dtype)
        else:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != (b, t):
                raise self.shape_error(x.shape, f"a mask of shape {(b, t)}", f"got mask {mask.shape}")
            count = mask.sum(axis=1, keepdims=True)
            w = (mask / np.maximum(count, 1)).astype(x.dtype)  # all-padding sample: weights 0, not 0/0
        self._cache = w
        # a batched (1, T) @ (T, F) product: one BLAS call instead of a mean that copies the masked array
        return (w[:, None, :] @ x)[:, 0, :]

    def backward(self, dout):
        """``dout (batch, features)`` → ``dx (batch, T, features)``: each step gets its weight times ``dout``."""
        w = self._cache
        dout = np.asarray(dout, dtype=w.dtype)
        return w[:, :, None] * dout[:, None, :]

    def __call__(self, x, training=False, mask=None):
        out = self.forward(x, training=training, mask=mask)
        record(self, x, out)
        return out
