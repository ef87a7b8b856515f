"""``LeakyReLU``: ``x`` for ``x >= 0``, ``negative_slope * x`` below (Keras 3 layer, default slope 0.3)."""

from __future__ import annotations

import numpy as np

from .base import Layer


class LeakyReLU(Layer):
    """Leaky rectifier as a layer: any shape → the same shape. No parameters.

    The gradient is 1 for ``x > 0`` and ``negative_slope`` otherwise, so a unit is never dead.
    Note the defaults differ: this layer (like ``keras.layers.LeakyReLU``) uses 0.3, while the
    ``"leaky_relu"`` activation *name* uses ``dlcore.activations.LEAKY_SLOPE``.

    Parameters
    ----------
    negative_slope : float
        Slope for negative inputs, ``>= 0``.
    """

    supports_masking = True  # passes a padding mask on (Keras)

    def __init__(self, negative_slope: float = 0.3, input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        if negative_slope is None or not np.isfinite(negative_slope) or negative_slope < 0:
            raise ValueError(f"LeakyReLU: negative_slope must be a number >= 0, got {negative_slope!r}")
        self.negative_slope = float(negative_slope)

    def forward(self, x, training=False):
        """``x`` (any shape) → same shape."""
        x = self._prepare(x, min_ndim=1)
        self._slope = np.where(x > 0, 1.0, self.negative_slope).astype(x.dtype)
        return x * self._slope

    def backward(self, dout):
        """``dout`` → ``dout * slope`` (1 or ``negative_slope`` per entry)."""
        return np.asarray(dout, dtype=self._slope.dtype) * self._slope

    def get_config(self):
        return {"name": self.name, "negative_slope": self.negative_slope}
