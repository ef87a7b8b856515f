"""``TimeDistributed``: apply one layer, with the same weights, to every time step of a sequence."""

from __future__ import annotations

import numpy as np

from .base import Layer


class TimeDistributed(Layer):
    """Wrap ``layer`` so it acts on each step: ``x (batch, T, ...)`` → ``(batch, T, ...out)``.

    The batch and time axes are merged, ``layer`` runs once on ``(batch * T, ...)``, and the
    result is split again; so the weights are shared by all steps and their gradients sum
    over them. ``params`` and ``grads`` are the wrapped layer's own dicts (Keras likewise lists
    the inner layer's weights).

    Parameters
    ----------
    layer : Layer
        Any dlcore layer taking ``(n, ...)`` inputs, e.g. ``Dense`` or ``Conv2D``.
    """

    supports_masking = True  # passes a padding mask on (Keras)

    def __init__(self, layer: Layer, input_shape=None, name: str | None = None):
        if not isinstance(layer, Layer):
            raise ValueError(f"TimeDistributed wraps a dlcore layer, got {layer!r}")
        super().__init__(input_shape=input_shape, name=name)
        self.layer = layer
        self.params, self.grads = layer.params, layer.grads  # the same dicts: the optimizer updates the layer

    def build(self, input_shape, dtype=np.float32):
        if not self.layer.built:
            self.layer.build((None, *input_shape[2:]), dtype=dtype)
        self.built = True

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((None, *input_shape[2:]))
        return (input_shape[0], input_shape[1], *inner[1:])

    def forward(self, x, training=False):
        """``x (batch, T, ...)`` → ``(batch, T, ...out)``."""
        x = self._prepare(x, min_ndim=3)
        self._bt = x.shape[:2]
        y = self.layer.forward(x.reshape(-1, *x.shape[2:]), training=training)
        self.params, self.grads = self.layer.params, self.layer.grads
        return y.reshape(*self._bt, *y.shape[1:])

    def backward(self, dout):
        """``dout (batch, T, ...out)`` → ``dx (batch, T, ...)``; the inner layer's ``grads`` sum over steps."""
        dout = np.asarray(dout)
        self.layer.input_grad = self.input_grad
        dx = self.layer.backward(dout.reshape(-1, *dout.shape[2:]))
        self.grads = self.layer.grads
        return None if dx is None else dx.reshape(*self._bt, *dx.shape[1:])

    def regularization_loss(self):
        return self.layer.regularization_loss()

    def get_config(self):
        return {"name": self.name, "layer": self.layer.get_config()}
