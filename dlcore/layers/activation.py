"""``Activation``: applies an activation function as a layer of its own (no parameters)."""

from __future__ import annotations

from .. import activations
from .base import Layer


class Activation(Layer):
    """Elementwise activation (softmax: along the last axis). Output shape = input shape.

    Parameters
    ----------
    activation : str
        A name from :mod:`dlcore.activations` (``'relu'``, ``'sigmoid'``, ``'tanh'``,
        ``'leaky_relu'``, ``'softmax'``, ``'linear'``).
    """

    supports_masking = True  # passes a padding mask on (Keras)

    def __init__(self, activation: str, input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        activations.get(activation)  # unknown names fail here, with the list of known ones
        self.activation = activation

    def forward(self, x, training=False):
        x = self._prepare(x)
        y = activations.get(self.activation)(x)
        self._cache = (x, y)
        return y

    def backward(self, dout):
        x, y = self._cache
        return activations.backward(self.activation, x, y, dout)

    def get_config(self):
        return {"name": self.name, "activation": self.activation}
