"""``Masking``: mark the time steps whose features all equal ``mask_value`` as padding, for the layers after it.

``Embedding(mask_zero=True)`` makes the padding mask for integer ids; ``Masking`` does the same for
sequences of feature vectors, e.g. zero-padded measurements before an ``LSTM``.
"""

from __future__ import annotations

import numpy as np

from .base import Layer


class Masking(Layer):
    """Skip the steps where every feature equals ``mask_value``: ``x (batch, T, features)`` → the same shape.

    The output is ``x`` with those steps set to 0; a model passes the mask ``(batch, T)`` (True = real
    step) on to the next layers, so a recurrent layer carries its state over the padding and
    ``GlobalAveragePooling1D`` averages the real steps only (as Keras). No parameters.

    Parameters
    ----------
    mask_value : float
        The padding value (default 0.0).
    """

    supports_masking = True  # makes the padding mask (Keras)

    def __init__(self, mask_value: float = 0.0, input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        self.mask_value = float(mask_value)

    def compute_mask(self, inputs, mask=None) -> np.ndarray:
        """``x (batch, T, features)`` → bool ``(batch, T)``: True where some feature differs from ``mask_value``."""
        return np.any(np.asarray(inputs) != self.mask_value, axis=-1)

    def forward(self, x, training=False):
        """``x (batch, T, features)`` → the same, with the masked steps set to 0."""
        x = self._prepare(x, min_ndim=2)
        self._keep = self.compute_mask(x)[..., None]  # (batch, T, 1)
        return np.where(self._keep, x, 0).astype(x.dtype, copy=False)

    def backward(self, dout):
        """``dout`` → ``dx``: the gradient passes at real steps, 0 at masked ones."""
        return np.where(self._keep, dout, 0).astype(np.asarray(dout).dtype, copy=False)

    def get_config(self):
        return {"name": self.name, "mask_value": self.mask_value}
