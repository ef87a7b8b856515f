"""``UpSampling2D``: enlarge NHWC images by repeating rows and columns (nearest neighbour; no parameters)."""

from __future__ import annotations

import numpy as np

from .base import Layer
from .conv import as_pair


class UpSampling2D(Layer):
    """Repeat every pixel ``sh x sw`` times: ``x (batch, H, W, C)`` → ``(batch, sh * H, sw * W, C)``.

    The gradient of a pixel is the sum over its ``sh * sw`` copies.

    Parameters
    ----------
    size : int or (int, int)
        Factors ``(sh, sw)``.
    interpolation : {"nearest"}
        Only nearest-neighbour is implemented (Keras' default); other names raise ``ValueError``.
    """

    def __init__(self, size=(2, 2), interpolation: str = "nearest", input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        self.size = as_pair(size, "UpSampling2D: size")
        if interpolation != "nearest":
            raise ValueError(f"UpSampling2D: only interpolation='nearest' is implemented, got {interpolation!r}")
        self.interpolation = interpolation

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        return (n, None if h is None else h * self.size[0], None if w is None else w * self.size[1], c)

    def forward(self, x, training=False):
        """``x (batch, H, W, C)`` → ``(batch, sh * H, sw * W, C)``."""
        x = self._prepare(x, ndim=4)
        n, h, w, c = x.shape
        sh, sw = self.size
        # one copy through a broadcast view: (n, h, sh, w, sw, c) with the repeats as stride-0 axes
        return np.broadcast_to(x[:, :, None, :, None, :], (n, h, sh, w, sw, c)).reshape(n, h * sh, w * sw, c)

    def backward(self, dout):
        """``dout (batch, sh * H, sw * W, C)`` → ``dx (batch, H, W, C)``: sums over each pixel's copies."""
        dout = np.asarray(dout)
        n, ho, wo, c = dout.shape
        sh, sw = self.size
        return dout.reshape(n, ho // sh, sh, wo // sw, sw, c).sum(axis=(2, 4))

    def get_config(self):
        return {"name": self.name, "size": self.size, "interpolation": self.interpolation}
