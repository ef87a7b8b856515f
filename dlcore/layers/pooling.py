"""``MaxPool2D`` and ``AveragePooling2D`` on NHWC images (no parameters).

Both loop over the ``ph * pw`` offsets inside the window (4 for 2x2), never over pixels: the
entries at offset ``(i, j)`` of every window form one strided slice of the image, so the max (or
sum) over windows is ``ph * pw`` vectorised elementwise operations. When the stride equals the pool
size these slices are exactly the "reshape trick" ``x.reshape(N, Ho, ph, Wo, pw, C)[:, :, i, :, j]``.
"""

from __future__ import annotations

import numpy as np

from .base import Layer
from .conv import as_pair, check_padding
from .im2col import conv_output_length
from .workspace import Workspace


class _Pool2D(Layer):
    """Shared geometry of the 2-D pooling layers: window slices, padding, output shapes."""

    pad_value = 0.0

    def __init__(self, pool_size=2, strides=None, padding: str = "valid", input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        self.pool_size = as_pair(pool_size, f"{type(self).__name__}: pool_size")
        self.strides = self.pool_size if strides is None else as_pair(strides, f"{type(self).__name__}: strides")
        self.padding = check_padding(padding)
        self.workspace = Workspace()

    def _geometry(self, input_shape) -> tuple[tuple, tuple]:
        """``((Ho, top, bottom), (Wo, left, right))``; raises if the image is smaller than the window."""
        if len(input_shape) != 4:
            raise self.shape_error(input_shape, "(batch, height, width, channels)", "expected a 4-D input")
        rows = conv_output_length(input_shape[1], self.pool_size[0], self.strides[0], self.padding)
        cols = conv_output_length(input_shape[2], self.pool_size[1], self.strides[1], self.padding)
        if (rows[0] is not None and rows[0] < 1) or (cols[0] is not None and cols[0] < 1):
            raise self.shape_error(input_shape, f"images of at least {self.pool_size} pixels",
                                   "the image is smaller than the pool window; use padding='same'")
        return rows, cols

    def compute_output_shape(self, input_shape):
        (ho, _, _), (wo, _, _) = self._geometry(input_shape)
        return (input_shape[0], ho, wo, input_shape[3])

    def check_input_shape(self, shape):
        self._geometry(shape)

    def expected_input_desc(self):
        return "(batch, height, width, channels)" if self.input_shape is None else (None, *self.input_shape)

    def _windows(self, x) -> tuple[np.ndarray, list[np.ndarray], tuple]:
        """Padded ``xp`` and its ``ph * pw`` slices ``(N, Ho, Wo, C)``, one per offset in the window (row-major)."""
        (ho, top, bottom), (wo, left, right) = self._geometry(x.shape)
        xp = self.workspace.padded("x_padded", x, (top, bottom, left, right), fill=self.pad_value)
        return xp, self._slices(xp, (ho, wo)), (top, left)

    def _slices(self, a: np.ndarray, out_hw: tuple[int, int]) -> list[np.ndarray]:
        (ph, pw), (sh, sw), (ho, wo) = self.pool_size, self.strides, out_hw
        return [a[:, i:i + (ho - 1) * sh + 1:sh, j:j + (wo - 1) * sw + 1:sw, :] for i in range(ph) for j in range(pw)]

    def _crop(self, dxp: np.ndarray, x_shape: tuple, corner: tuple[int, int]) -> np.ndarray:
        if dxp.shape == x_shape:
            return dxp
        top, left = corner
        return np.ascontiguousarray(dxp[:, top:top + x_shape[1], left:left + x_shape[2], :])

    def _check_dout(self, dout, shape, dtype) -> np.ndarray:
        dout = np.asarray(dout, dtype=dtype)
        if dout.shape != shape:
            raise ValueError(f"{self.describe()}: backward got dout of shape {dout.shape}, expected {shape}")
        return dout

    def get_config(self):
        return {"name": self.name, "pool_size": self.pool_size, "strides": self.strides, "padding": self.padding}


class MaxPool2D(_Pool2D):
    """Max over ``ph x pw`` windows: ``x (batch, H, W, C)`` → ``(batch, Ho, Wo, C)``. No parameters.

    ``Ho`` as in :class:`~dlcore.layers.conv.Conv2D` (``"same"`` pads with ``-inf``, so padding never wins).
    The gradient flows only to the maximum of each window — to the first one, in row-major
    order, on ties (as PyTorch and TensorFlow).

    Parameters
    ----------
    pool_size : int or (int, int)
        Window ``(ph, pw)``.
    strides : int or (int, int), optional
        Step ``(sh, sw)``; defaults to ``pool_size`` (non-overlapping windows).
    padding : {"valid", "same"}
    """

    pad_value = -np.inf

    def forward(self, x, training=False):
        """``x (batch, H, W, C)`` → ``(batch, Ho, Wo, C)``."""
        x = self._prepare(x, ndim=4)
        xp, slices, corner = self._windows(x)
        out = slices[0].copy()
        for s in slices[1:]:
            np.maximum(out, s, out=out)
        self._cache = (x.shape, xp, corner, out)
        return out

    def backward(self, dout):
        """``dout (batch, Ho, Wo, C)`` → ``dx (batch, H, W, C)``: each window's gradient goes to its (first) max."""
        x_shape, xp, corner, out = self._cache
        dout = self._check_dout(dout, out.shape, out.dtype)
        ho, wo = out.shape[1:3]
        overlap = any(s < p for s, p in zip(self.strides, self.pool_size, strict=True))
        tiled = self.strides == self.pool_size and xp.shape[1:3] == (ho * self.strides[0], wo * self.strides[1])
        # windows that tile the image exactly write every pixel once below: no need to zero it first
        dxp = np.empty(xp.shape, dtype=out.dtype) if tiled else np.zeros(xp.shape, dtype=out.dtype)
        remaining = None  # windows whose max has not been claimed yet (for ties)
        pairs = list(zip(self._slices(xp, (ho, wo)), self._slices(dxp, (ho, wo)), strict=True))
        for k, (x_s, dx_s) in enumerate(pairs):
            hit = x_s == out
            if remaining is None:
                remaining = ~hit
            else:
                hit &= remaining
                if k < len(pairs) - 1:
                    remaining ^= hit
            if overlap:
                dx_s += dout * hit
            else:  # disjoint windows: write in place, no temporary
                np.multiply(dout, hit, out=dx_s)
        return self._crop(dxp, x_shape, corner)


MaxPooling2D = MaxPool2D  # the Keras 2 name


class AveragePooling2D(_Pool2D):
    """Mean over ``ph x pw`` windows: ``x (batch, H, W, C)`` → ``(batch, Ho, Wo, C)``. No parameters.

    With ``"same"`` padding a border window averages only its real pixels (as Keras), not the zeros.

    Parameters
    ----------
    pool_size : int or (int, int)
        Window ``(ph, pw)``.
    strides : int or (int, int), optional
        Step ``(sh, sw)``; defaults to ``pool_size``.
    padding : {"valid", "same"}
    """

    def _counts(self, x, dtype) -> np.ndarray:
        """Real pixels in each window, shape ``(1, Ho, Wo, 1)``: pooled sum of an image of ones."""
        ones = self.workspace.padded("ones_padded", np.ones((1, *x.shape[1:3], 1), dtype), self._pads(x.shape), 0.0)
        slices = self._slices(ones, self.compute_output_shape(x.shape)[1:3])
        return sum(slices[1:], slices[0].copy())

    def _pads(self, shape):
        (_, top, bottom), (_, left, right) = self._geometry(shape)
        return top, bottom, left, right

    def forward(self, x, training=False):
        """``x (batch, H, W, C)`` → ``(batch, Ho, Wo, C)``."""
        x = self._prepare(x, ndim=4)
        xp, slices, corner = self._windows(x)
        out = slices[0].copy()
        for s in slices[1:]:
            out += s
        counts = self._counts(x, x.dtype)
        out /= counts
        self._cache = (x.shape, xp.shape, corner, counts, out.shape)
        return out

    def backward(self, dout):
        """``dout (batch, Ho, Wo, C)`` → ``dx (batch, H, W, C)``: each window pixel gets ``dout / count``."""
        x_shape, xp_shape, corner, counts, out_shape = self._cache
        g = self._check_dout(dout, out_shape, counts.dtype) / counts
        dxp = np.zeros(xp_shape, dtype=counts.dtype)
        for dx_s in self._slices(dxp, out_shape[1:3]):
            dx_s += g
        return self._crop(dxp, x_shape, corner)


AvgPool2D = AveragePooling2D
