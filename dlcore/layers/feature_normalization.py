"""``Normalization``: standardise features with a mean and variance learnt by ``adapt(data)``, not by training.

``y = (x - mean) / max(sqrt(variance), 1e-7)`` (Keras 3's formula), so the network sees inputs of
mean 0 and variance 1 whatever the units of the raw data. The statistics are state, not ``params``:
the optimizer never touches them.
"""

from __future__ import annotations

import numpy as np

from .base import Layer

EPSILON = 1e-7  # keras.config.epsilon()


class Normalization(Layer):
    """Feature-wise standardisation: any shape → the same shape.

    Parameters
    ----------
    axis : int, tuple of int or None
        Axes that keep their own statistics (``-1``: one mean per feature); the others (always
        the batch axis) are averaged over by ``adapt``. ``None``: one mean for everything.
    mean, variance : float or array, optional
        Fixed statistics (both or neither), broadcast to the kept axes from the right, as Keras.
    invert : bool
        Undo the normalisation instead: ``y = x * sqrt(variance) + mean``.

    Attributes
    ----------
    mean, variance : ndarray
        Statistics shaped to broadcast against the input (``1`` on averaged axes); before
        ``adapt`` or explicit values they are 0 and 1 (the identity), as in Keras.
    """

    supports_masking = True  # passes a padding mask on (Keras)

    def __init__(self, axis=-1, mean=None, variance=None, invert: bool = False, input_shape=None,
                 name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        self.axis = () if axis is None else (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
        if (mean is None) != (variance is None):
            raise ValueError(f"Normalization: pass both mean and variance, or neither; got mean={mean!r}, "
                             f"variance={variance!r}")
        if mean is not None and np.shape(mean) != np.shape(variance):
            raise ValueError(f"Normalization: mean and variance need the same shape, got {np.shape(mean)} and "
                             f"{np.shape(variance)}")
        self.input_mean, self.input_variance, self.invert = mean, variance, bool(invert)
        self.mean = self.variance = None

    def build(self, input_shape, dtype=np.float32):
        dtype = np.float64  # statistics kept in float64; forward casts them to the input's dtype
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise self.shape_error(input_shape, f"inputs with axis {self.axis}", f"axis out of range for {ndim}-D")
        self._keep = tuple(sorted(a % ndim for a in self.axis))
        shape = [input_shape[d] if d in self._keep else 1 for d in range(ndim)]
        if self.input_mean is None:
            self.mean, self.variance = np.zeros(shape, dtype), np.ones(shape, dtype)
        else:
            aligned = [1] * ndim
            for i, size in enumerate(reversed(np.shape(self.input_mean))):  # right-aligned on the kept axes
                aligned[self._keep[-1 - i]] = size
            self.mean = np.broadcast_to(np.reshape(self.input_mean, aligned), shape).astype(dtype)
            self.variance = np.broadcast_to(np.reshape(self.input_variance, aligned), shape).astype(dtype)
        self.built = True

    def adapt(self, data) -> None:
        """Set ``mean`` and ``variance`` to those of ``data (n, ...)`` over the averaged axes."""
        data = np.asarray(data, dtype=np.float64)
        self.build((None, *data.shape[1:]))
        reduce = tuple(d for d in range(data.ndim) if d not in self._keep)
        self.mean = data.mean(axis=reduce, keepdims=True)
        self.variance = data.var(axis=reduce, keepdims=True)

    def check_input_shape(self, shape):
        if len(shape) != self.mean.ndim or any(m != 1 and m != s for m, s in zip(self.mean.shape, shape)):
            raise self.shape_error(shape, f"a shape that broadcasts with the statistics {self.mean.shape}")

    def _std(self, dtype) -> np.ndarray:
        return np.maximum(np.sqrt(self.variance.astype(dtype)), EPSILON)

    def forward(self, x, training=False):
        """``x`` (any shape) → same shape, standardised (or restored, with ``invert``)."""
        x = self._prepare(x, min_ndim=1)
        self._dtype = x.dtype
        if self.invert:
            return x * np.sqrt(self.variance.astype(x.dtype)) + self.mean.astype(x.dtype)
        return (x - self.mean.astype(x.dtype)) / self._std(x.dtype)

    def backward(self, dout):
        """``dout`` → ``dout / std`` (``dout * sqrt(variance)`` with ``invert``)."""
        dout = np.asarray(dout, dtype=self._dtype)
        if self.invert:
            return dout * np.sqrt(self.variance.astype(self._dtype))
        return dout / self._std(self._dtype)

    def count_non_trainable(self):
        # Keras stores mean, variance and a sample count when they are adapted, nothing when given
        return 0 if self.input_mean is not None or self.mean is None else 2 * self.mean.size + 1

    def get_config(self):
        return {"name": self.name, "axis": self.axis, "invert": self.invert}
