"""``Dropout``: inverted dropout, with a way to freeze the mask for gradient checking."""

from __future__ import annotations

import numpy as np

from ..random import get_rng
from .base import Layer


class Dropout(Layer):
    """Inverted dropout: in training, zero each entry with probability ``rate`` and scale the rest by ``1/(1-rate)``.

    The scaling keeps ``E[output] = input``, so nothing changes at inference, where the layer is the
    identity. Shapes: ``x (batch, ...)`` → same shape; the mask has the shape of ``x``.

    Parameters
    ----------
    rate : float
        Fraction of entries to **drop** (Keras' meaning, not PyTorch's keep probability), ``0 <= rate < 1``.
    noise_shape : tuple of int or None, optional
        The shape of the mask drawn, one entry per axis of ``x``: an axis given as 1 shares one draw
        (e.g. ``(None, 1, None)`` for ``x (batch, steps, features)`` drops the same features at every
        step), ``None`` takes the input's size. ``None`` (the default): every entry is drawn on its own.
    seed : int, optional
        Seed of a generator of this layer's own, for a reproducible sequence of masks;
        ``None`` draws from :func:`dlcore.random.get_rng` (fixed by :func:`dlcore.random.set_seed`).

    Attributes
    ----------
    fixed_mask : ndarray or None
        When set (an array of the input's shape, holding 0 or ``1/(1-rate)``), training mode
        uses it instead of drawing a new mask. :meth:`freeze_mask` sets it to the last mask drawn,
        :meth:`unfreeze_mask` clears it. A gradient check of training mode needs a frozen mask,
        since otherwise each of its forward passes would drop different entries::

            layer.forward(x, training=True)
            layer.freeze_mask()
            check_layer(layer, x, training=True)
    mask : ndarray or None
        The mask of the last training-mode forward (``None`` after an inference-mode forward).
    """

    supports_masking = True  # passes a padding mask on (Keras)

    def __init__(self, rate: float, noise_shape=None, seed: int | None = None, input_shape=None,
                 name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.integer, np.floating)) \
                or not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate is the fraction to drop and must be in [0, 1), got {rate!r}")
        self.rate = float(rate)
        self.noise_shape = _check_noise_shape(noise_shape)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)
        self.fixed_mask: np.ndarray | None = None
        self.mask: np.ndarray | None = None

    def freeze_mask(self) -> None:
        """Reuse the last training-mode mask in every later training-mode forward (for gradient checks)."""
        if self.mask is None:
            raise ValueError(f"{self.describe()}: no mask to freeze yet; call forward(x, training=True) first")
        self.fixed_mask = self.mask

    def unfreeze_mask(self) -> None:
        """Go back to drawing a fresh mask at every training-mode forward."""
        self.fixed_mask = None

    def _draw_mask(self, shape: tuple, dtype) -> np.ndarray:
        rng = self._rng if self._rng is not None else get_rng()
        # float32 uniforms for float32 inputs: half the memory traffic, and the mask is already the right dtype
        u = rng.random(shape, dtype=np.float32 if dtype == np.float32 else np.float64)
        keep = u >= self.rate  # P(keep) = 1 - rate
        return keep.astype(dtype) * np.asarray(1.0 / (1.0 - self.rate), dtype=dtype)

    def _mask_shape(self, shape: tuple) -> tuple:
        """The shape to draw: ``noise_shape`` with its None entries filled in from the input's ``shape``."""
        if self.noise_shape is None:
            return shape
        if len(self.noise_shape) != len(shape):
            raise ValueError(f"{self.describe()}: noise_shape {self.noise_shape} has {len(self.noise_shape)} axes, "
                             f"the input {shape} has {len(shape)}; give one entry per axis (None: the input's size)")
        drawn = tuple(n if d is None else d for d, n in zip(self.noise_shape, shape))
        if any(d not in (1, n) for d, n in zip(drawn, shape)):
            raise ValueError(f"{self.describe()}: noise_shape {self.noise_shape} does not broadcast to the input "
                             f"{shape}: each entry must be 1, None or the input's size")
        return drawn

    def forward(self, x, training=False):
        """``x (batch, ...)`` → same shape: ``x * mask`` in training, ``x`` itself at inference."""
        x = self._prepare(x, min_ndim=1)
        if not training or self.rate == 0.0:
            self.mask = None
            return x
        if self.fixed_mask is not None:
            if self.fixed_mask.shape != x.shape:
                raise self.shape_error(x.shape, self.fixed_mask.shape, "the frozen mask has another shape")
            self.mask = self.fixed_mask.astype(x.dtype, copy=False)
        else:
            # one draw per entry of noise_shape, shared along its axes of size 1
            self.mask = np.broadcast_to(self._draw_mask(self._mask_shape(x.shape), x.dtype), x.shape)
        return x * self.mask

    def backward(self, dout):
        """``dout`` → ``dout * mask`` (a new array; the identity's gradient at inference is a copy of ``dout``)."""
        dout = np.asarray(dout)
        return dout.copy() if self.mask is None else dout * self.mask

    def get_config(self):
        return {"name": self.name, "rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}


def _check_noise_shape(noise_shape):
    """``noise_shape`` as a tuple of positive ints and Nones (or None), with Keras' checks."""
    if noise_shape is None:
        return None
    if isinstance(noise_shape, str) or not hasattr(noise_shape, "__iter__"):
        raise ValueError(f"Dropout: noise_shape must be a tuple or list of ints or None, got {noise_shape!r}")
    shape = tuple(noise_shape)
    for i, d in enumerate(shape):
        if d is not None and (isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d <= 0):
            raise ValueError(f"Dropout: noise_shape entries must be positive ints or None, got {d!r} at index {i} "
                             f"of {noise_shape!r}")
    return tuple(None if d is None else int(d) for d in shape)
