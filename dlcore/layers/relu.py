"""``ReLU``: the rectifier as a layer, with Keras' cap, slope and threshold (``keras.layers.ReLU``)."""

from __future__ import annotations

import numpy as np

from ..activations import relu, relu_grad
from .base import Layer


class ReLU(Layer):
    """``relu(x, negative_slope, max_value, threshold)`` as a layer: any shape → the same shape. No parameters.

    ``x`` where ``x > threshold`` (else 0), capped at ``max_value``, minus ``negative_slope * (threshold - x)``
    below the threshold (see :func:`dlcore.activations.relu`). ``ReLU(max_value=6.0)`` is MobileNet's ReLU6.

    Parameters
    ----------
    max_value : float, optional
        Largest output, ``>= 0`` (None: no cap).
    negative_slope : float
        Slope below the threshold, ``>= 0``.
    threshold : float
        Inputs up to it give 0 (or the slope's line), ``>= 0``.
    """

    supports_masking = True  # passes a padding mask on (Keras)

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0,
                 input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        for what, value, allow_none in (("max_value", max_value, True), ("negative_slope", negative_slope, False),
                                        ("threshold", threshold, False)):
            if value is None and allow_none:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                    or not value >= 0:
                raise ValueError(f"ReLU: {what} must be a number >= 0{' or None' if allow_none else ''}, "
                                 f"got {value!r}")
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)

    def _options(self) -> dict:
        return {"negative_slope": self.negative_slope, "max_value": self.max_value, "threshold": self.threshold}

    def forward(self, x, training=False):
        """``x`` (any shape) → same shape."""
        x = self._prepare(x, min_ndim=1)
        self._x = x
        return relu(x, **self._options()).astype(x.dtype, copy=False)

    def backward(self, dout):
        """``dout`` → ``dout * relu'(x)`` (1, ``negative_slope`` or 0 per entry)."""
        return np.asarray(dout) * relu_grad(self._x, **self._options()).astype(self._x.dtype, copy=False)

    def get_config(self):
        return {"name": self.name, "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}
