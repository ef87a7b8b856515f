"""Global pooling: one number per channel, the mean or max over time (1D) or over the image (2D).

``GlobalAveragePooling1D``, ``GlobalMaxPooling1D``: ``(batch, T, C)`` → ``(batch, C)``;
``GlobalAveragePooling2D``, ``GlobalMaxPooling2D``: ``(batch, H, W, C)`` → ``(batch, C)``.
"""

from __future__ import annotations

import numpy as np

from .base import Layer


class GlobalAveragePooling1D(Layer):
    """Average over the time axis: ``x (batch, T, features)`` → ``(batch, features)``
    (``(batch, 1, features)`` with ``keepdims=True``, as Keras). No parameters.

    With a padding ``mask (batch, T)`` (True = real token) only the real steps are averaged, so
    padding does not dilute the mean; a sample with no real step gives zeros.
    """

    supports_masking = True  # averages the real steps only; the mask ends here (no time axis left)

    def __init__(self, keepdims: bool = False, input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        self.keepdims = bool(keepdims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1, input_shape[-1]) if self.keepdims else (input_shape[0], input_shape[-1])

    def forward(self, x, training=False, mask=None):
        """``x (batch, T, features)`` → ``(batch, features)`` (``(batch, 1, features)`` with keepdims);
        ``mask (batch, T)`` of bool, optional."""
        x = self._prepare(x, ndim=3)
        b, t, _ = x.shape
        if mask is None:
            w = np.full((b, t), 1.0 / t, dtype=x.dtype)
        else:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != (b, t):
                raise self.shape_error(x.shape, f"a mask of shape {(b, t)}", f"got mask {mask.shape}")
            count = mask.sum(axis=1, keepdims=True)
            w = (mask / np.maximum(count, 1)).astype(x.dtype)  # all-padding sample: weights 0, not 0/0
        self._cache = w
        # a batched (1, T) @ (T, F) product: one BLAS call instead of a mean that copies the masked array
        out = w[:, None, :] @ x
        return out if self.keepdims else out[:, 0, :]

    def backward(self, dout):
        """``dout (batch, features)`` (or ``(batch, 1, features)``) → ``dx (batch, T, features)``:
        each step gets its weight times ``dout``."""
        w = self._cache
        dout = np.asarray(dout, dtype=w.dtype).reshape(w.shape[0], -1)
        return w[:, :, None] * dout[:, None, :]

    def get_config(self):
        return {"name": self.name, "keepdims": self.keepdims}

    def compute_mask(self, inputs, mask=None):
        """None: the output has no time axis left to mask."""
        return None



class _GlobalPooling(Layer):
    """Shared shape logic: reduce the spatial axes ``1 .. ndim - 2`` of a channels-last input."""

    ndim = 3

    def __init__(self, keepdims: bool = False, input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        self.keepdims = bool(keepdims)
        self._axes = tuple(range(1, self.ndim - 1))

    def compute_output_shape(self, input_shape):
        if self.keepdims:
            return (input_shape[0], *([1] * len(self._axes)), input_shape[-1])
        return (input_shape[0], input_shape[-1])

    def _shape_out(self, pooled: np.ndarray) -> np.ndarray:
        return pooled if self.keepdims else pooled.reshape(pooled.shape[0], pooled.shape[-1])

    def get_config(self):
        return {"name": self.name, "keepdims": self.keepdims}


class GlobalAveragePooling2D(_GlobalPooling):
    """Mean over height and width: ``x (batch, H, W, C)`` → ``(batch, C)`` (``(batch, 1, 1, C)`` with keepdims)."""

    ndim = 4

    def forward(self, x, training=False):
        """``x (batch, H, W, C)`` → ``(batch, C)``."""
        x = self._prepare(x, ndim=4)
        self._in_shape = x.shape
        return self._shape_out(x.mean(axis=self._axes, keepdims=True))

    def backward(self, dout):
        """``dout (batch, C)`` → ``dx (batch, H, W, C)``: each pixel gets ``dout / (H W)``."""
        n, h, w, c = self._in_shape
        g = np.asarray(dout).reshape(n, 1, 1, c) / (h * w)
        return np.broadcast_to(g, self._in_shape).copy()


class GlobalMaxPooling1D(_GlobalPooling):
    """Max over time: ``x (batch, T, C)`` → ``(batch, C)``; the gradient goes to the (first) maximum."""

    def forward(self, x, training=False):
        """``x (batch, T, C)`` → ``(batch, C)``."""
        x = self._prepare(x, ndim=self.ndim)
        self._in_shape, self._dtype = x.shape, x.dtype
        flat = x.reshape(x.shape[0], -1, x.shape[-1])  # spatial axes in one, row-major
        self._argmax = flat.argmax(axis=1)  # (batch, C): the first maximum, as torch and TF
        pooled = np.take_along_axis(flat, self._argmax[:, None, :], axis=1)
        return self._shape_out(pooled.reshape(x.shape[0], *([1] * len(self._axes)), x.shape[-1]))

    def backward(self, dout):
        """``dout (batch, C)`` → ``dx`` shaped like ``x``, nonzero only at each maximum."""
        n, c = self._in_shape[0], self._in_shape[-1]
        dflat = np.zeros((n, int(np.prod(self._in_shape[1:-1])), c), dtype=self._dtype)
        np.put_along_axis(dflat, self._argmax[:, None, :], np.asarray(dout).reshape(n, 1, c), axis=1)
        return dflat.reshape(self._in_shape)


class GlobalMaxPooling2D(GlobalMaxPooling1D):
    """Max over height and width: ``x (batch, H, W, C)`` → ``(batch, C)``; gradient to the (first) maximum."""

    ndim = 4


GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D  # Keras' aliases
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
