"""``Rescaling``: ``y = x * scale + offset``, e.g. pixels from ``[0, 255]`` to ``[0, 1]`` inside the model."""

from __future__ import annotations

import numpy as np

from .base import Layer


class Rescaling(Layer):
    """Fixed affine map of every entry: any shape → the same shape. No parameters.

    Integer inputs (raw pixels) become float32, like every dlcore layer's.

    Parameters
    ----------
    scale : float or array
        Multiplier, e.g. ``1 / 255``; an array broadcasts against the sample's trailing axes.
    offset : float or array
        Added after scaling, e.g. ``-1`` with ``scale=1 / 127.5`` for ``[-1, 1]``.
    """

    supports_masking = True  # passes a padding mask on (Keras)

    def __init__(self, scale, offset=0.0, input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        self.scale, self.offset = np.asarray(scale, dtype=np.float64), np.asarray(offset, dtype=np.float64)
        if not (np.all(np.isfinite(self.scale)) and np.all(np.isfinite(self.offset))):
            raise ValueError(f"Rescaling: scale and offset must be finite numbers, got {scale!r}, {offset!r}")

    def forward(self, x, training=False):
        """``x`` (any shape) → ``x * scale + offset`` in ``x``'s float dtype."""
        x = self._prepare(x, min_ndim=1)
        self._dtype = x.dtype
        return x * self.scale.astype(x.dtype) + self.offset.astype(x.dtype)

    def backward(self, dout):
        """``dout`` → ``dout * scale`` (the shape of ``x``)."""
        return np.asarray(dout, dtype=self._dtype) * self.scale.astype(self._dtype)

    def get_config(self):
        return {"name": self.name, "scale": self.scale.tolist(), "offset": self.offset.tolist()}
