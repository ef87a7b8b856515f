"""Merge layers: ``Add`` and ``Concatenate`` take a LIST of inputs (residual and skip connections).

``forward([x1, x2, ...])`` returns one array; ``backward(dout)`` returns the list ``[dx1, dx2, ...]``.
They have no weights. Use them in a functional model::

    x = Input(shape=(8,))
    h = Dense(8, activation="relu")(x)
    y = Add()([x, h])          # a residual connection: y = x + f(x)
"""

from __future__ import annotations

import numpy as np

from .base import Layer, as_float


class _Merge(Layer):
    """Shared parts: check that the input is a list of at least two arrays."""

    supports_masking = True  # merges the inputs' padding masks (Keras)

    def _check_list(self, inputs) -> list[np.ndarray]:
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            got = f"a list of {len(inputs)}" if isinstance(inputs, (list, tuple)) else type(inputs).__name__
            raise ValueError(f"{self.describe()}: expected a list of at least 2 inputs, got {got}")
        arrays = [as_float(x, f"input of {self.describe()}") for x in inputs]
        self.built = True
        return arrays

    def build(self, input_shape, dtype=np.float32):
        self.compute_output_shape(input_shape)  # raises on incompatible shapes
        self.built = True


class Add(_Merge):
    """Element-wise sum of inputs of the same shape: ``[(batch, ...), (batch, ...)]`` → ``(batch, ...)``."""

    def compute_output_shape(self, input_shape):
        shapes = [tuple(s) for s in input_shape]
        first = shapes[0]
        for s in shapes[1:]:
            if len(s) != len(first) or any(a is not None and b is not None and a != b for a, b in zip(s, first)):
                raise ValueError(f"{self.describe()}: inputs must have the same shape, got {shapes}")
        return first

    def forward(self, inputs, training=False):
        """``[x1, x2, ...]`` each ``(batch, ...)`` → ``x1 + x2 + ...``."""
        arrays = self._check_list(inputs)
        self.compute_output_shape([a.shape for a in arrays])
        self._count = len(arrays)
        out = arrays[0].copy()
        for a in arrays[1:]:
            out += a
        return out

    def backward(self, dout):
        """``dout (batch, ...)`` → ``[dout, dout, ...]`` (a sum passes its gradient to every term)."""
        return [dout] * self._count

    def compute_mask(self, inputs, mask=None):
        """A step is real if it is real in any input (Keras); None if some input has no mask."""
        if mask is None or any(m is None for m in mask):
            return None
        return np.logical_or.reduce([np.asarray(m, dtype=bool) for m in mask])


class Concatenate(_Merge):
    """Join inputs along ``axis`` (default the last): ``[(batch, ..., a), (batch, ..., b)]`` → ``(batch, ..., a + b)``.

    Parameters
    ----------
    axis : int
        Axis to join along; every other axis must match.
    """

    def __init__(self, axis: int = -1, name: str | None = None):
        super().__init__(name=name)
        self.axis = int(axis)

    def compute_output_shape(self, input_shape):
        shapes = [tuple(s) for s in input_shape]
        rank = len(shapes[0])
        axis = self.axis % rank
        for s in shapes[1:]:
            others_match = all(a is None or b is None or a == b
                               for i, (a, b) in enumerate(zip(s, shapes[0])) if i != axis)
            if len(s) != rank or not others_match:
                raise ValueError(f"{self.describe()}: inputs must match on every axis but axis {self.axis}, "
                                 f"got {shapes}")
        sizes = [s[axis] for s in shapes]
        joined = None if None in sizes else sum(sizes)
        return (*shapes[0][:axis], joined, *shapes[0][axis + 1:])

    def forward(self, inputs, training=False):
        """``[x1 (..., a), x2 (..., b), ...]`` → ``(..., a + b + ...)`` along ``axis``."""
        arrays = self._check_list(inputs)
        self.compute_output_shape([a.shape for a in arrays])
        self._sizes = [a.shape[self.axis] for a in arrays]
        return np.concatenate(arrays, axis=self.axis)

    def backward(self, dout):
        """``dout (..., a + b + ...)`` → ``[dx1 (..., a), dx2 (..., b), ...]``: the matching slices."""
        return np.split(dout, np.cumsum(self._sizes)[:-1], axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        """Keras' rule: each input's mask (all True if it has none) spread over its features, joined
        along ``axis``, and a step is real if any of its features is."""
        if mask is None or all(m is None for m in mask):
            return None
        spread = []
        for x, m in zip(inputs, mask):
            shape = np.shape(x)
            m = np.ones(shape, dtype=bool) if m is None else np.asarray(m, dtype=bool)
            spread.append(np.broadcast_to(m[..., None] if m.ndim < len(shape) else m, shape))
        return np.concatenate(spread, axis=self.axis).any(axis=-1)

    def get_config(self):
        return {"name": self.name, "axis": self.axis}
