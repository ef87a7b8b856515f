"""``Sequential``: a plain stack of layers, each applied to the previous one's output."""

from __future__ import annotations

import numpy as np

from ..layers.base import Layer, shape_matches
from ..layers.input import Input
from .model import Model


class Sequential(Model):
    """A linear stack of layers (Keras' ``Sequential``).

    Parameters
    ----------
    layers : list, optional
        Layers in order; may start with an :class:`~dlcore.layers.Input`.
    trainable : bool
        False freezes the model: ``fit`` updates none of its weights, also those of layers added later
        (the same as ``model.trainable = False`` after adding them; frozen batch norms run in inference mode).
    name : str, optional

    Examples
    --------
    >>> model = Sequential([Input(shape=(8,)), Dense(10, activation="relu"), Dense(1, activation="sigmoid")])
    >>> model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    """

    def __init__(self, layers: list | None = None, trainable: bool = True, name: str | None = None):
        super().__init__(name=name, trainable=trainable)
        self._input_shape: tuple | None = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer: Layer | Input) -> None:
        """Append a layer (or, first, an ``Input``)."""
        if isinstance(layer, Input):
            if self._chain:
                raise ValueError(f"{self.name}: an Input can only come first")
            self._input_shape = layer.shape
            return
        if not isinstance(layer, Layer):
            raise ValueError(f"{self.name}.add expects a dlcore layer, got {type(layer).__name__}")
        if any(existing is layer for existing in self._chain):
            raise ValueError(f"{self.name}: layer '{layer.name}' was added twice")
        self._chain.append(layer)
        if getattr(self, "_frozen_all", False):  # Sequential(..., trainable=False) or model.trainable = False
            layer.trainable = False
        self.output_shapes = []
        if self._input_shape is None and len(self._chain) == 1 and layer.input_shape is not None:
            self._input_shape = layer.input_shape

    def pop(self) -> Layer:
        """Remove and return the last layer."""
        if not self._chain:
            raise ValueError(f"{self.name} has no layer to pop")
        self.output_shapes = []
        return self._chain.pop()

    def build(self, input_shape: tuple | None = None, dtype=np.float32) -> None:
        """Create every layer's weights for samples of ``input_shape`` without data.

        ``input_shape`` is one sample's shape, e.g. ``(8,)``, or Keras's form with the batch axis first as
        ``None``, e.g. ``(None, 8)``.
        """
        if input_shape is not None and len(input_shape) > 1 and input_shape[0] is None:
            input_shape = tuple(input_shape[1:])  # Keras's (None, ...) form
        shape = input_shape or self._input_shape
        if shape is None:
            raise ValueError(f"{self.name}: the input shape is unknown; start with Input(shape=...), give the first "
                             "layer input_shape=/input_dim=, or call the model on a batch")
        shape = (None, *shape)
        self.output_shapes = []
        for layer in self._chain:
            if not layer.built:
                layer.build(shape, dtype=dtype)
            shape = layer.compute_output_shape(shape)
            self.output_shapes.append(tuple(shape))

    def call(self, x, training: bool = False) -> np.ndarray:
        mask = None  # Keras' padding mask, from Embedding(mask_zero=True) or Masking to the layers after it
        for layer in self._chain:
            x, mask = layer.forward_masked(x, mask, training=layer.training_mode(training))
        self._output_mask = mask  # the loss and the metrics skip the padded steps of a sequence output
        return x

    def _forward(self, x, training: bool) -> np.ndarray:
        if not self._chain:
            raise ValueError(f"{self.name} has no layers: add some with model.add(...)")
        self._validate_input(x)
        out = self.call(x, training=training)
        if not self.output_shapes:
            self.build(tuple(np.shape(x)[1:]))
        return out

    def _validate_input(self, x) -> None:
        shape = np.shape(x)
        if self._input_shape is not None and not shape_matches(shape[1:], self._input_shape):
            raise ValueError(f"{self.name}: got input of shape {shape}, expected {(None, *self._input_shape)} "
                             f"(the model's declared input shape)")

    def summary(self, print_fn=None) -> None:
        if not self.output_shapes and self._chain and (self._input_shape is not None):
            self.build()
        super().summary(print_fn)
