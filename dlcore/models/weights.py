"""The weights side of a model: counting, listing, getting/setting them in Keras' order, saving them."""

from __future__ import annotations

import numpy as np

from ..layers.base import Layer


class WeightsMixin:
    """Methods every model has on top of its ``layers`` (Keras' names and conventions)."""

    def count_params(self) -> int:
        """Scalars in all weights, trainable or not (as Keras' ``count_params``)."""
        return sum(layer.count_params() for layer in self._chain)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """The layer called ``name``, or at position ``index`` (give exactly one)."""
        if (name is None) == (index is None):
            raise ValueError("get_layer: give either name= or index=, not both and not neither")
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"get_layer: index {index} is out of range for {len(self.layers)} layers")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"get_layer: no layer named {name!r}; the layers are {[la.name for la in self.layers]}")

    @property
    def weights(self) -> list[np.ndarray]:
        return [w for layer in self.layers for w in layer.weights]

    @property
    def trainable_weights(self) -> list[np.ndarray]:
        return [w for layer in self.layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self) -> list[np.ndarray]:
        return [w for layer in self.layers for w in layer.non_trainable_weights]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of all weights, layer by layer, each layer in Keras' order (see ``Layer.get_weights``)."""
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Set all weights from a list like :meth:`get_weights` returns."""
        counts = [len(layer.weights) for layer in self.layers]
        if len(weights) != sum(counts):
            raise ValueError(f"set_weights: got {len(weights)} arrays, the model has {sum(counts)}")
        start = 0
        for layer, count in zip(self.layers, counts):
            layer.set_weights(weights[start:start + count])
            start += count

    # ----- saving (see dlcore.saving) ------------------------------------------------------
    def save(self, filepath, overwrite: bool = True) -> None:
        """Save architecture, weights and compile settings to a ``.keras`` file (dlcore's own format)."""
        from .. import saving
        saving.save_model(self, filepath, overwrite=overwrite)

    def save_weights(self, filepath, overwrite: bool = True) -> None:
        """Save the weights to a ``.weights.h5`` (or ``.weights.npz``) file, as numpy arrays."""
        from .. import saving
        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath) -> None:
        """Load weights saved by :meth:`save_weights` into this (built) model."""
        from .. import saving
        saving.load_weights(self, filepath)
