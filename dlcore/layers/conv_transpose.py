"""``Conv2DTranspose``: the adjoint of a strided convolution, which *enlarges* images (decoders, U-Nets).

Each input pixel stamps a copy of the kernel, scaled by its value, onto the output; stamps ``s``
pixels apart overlap and add up. That is exactly :func:`~dlcore.layers.im2col.col2im` applied to
``x @ kernel``, and its backward pass is :func:`~dlcore.layers.im2col.im2col`: the two roles of
Conv2D swapped. A dilated kernel (``dilation_rate``) stamps its taps ``d`` pixels apart: the same
``dilation`` argument of col2im and im2col.
"""

from __future__ import annotations

import numpy as np

from .. import activations, initializers
from .base import Layer
from .conv import as_pair, check_padding
from .im2col import col2im, im2col


class Conv2DTranspose(Layer):
    """Transposed 2-D convolution on channels-last images.

    Shapes: ``x (batch, H, W, cin)`` → ``y (batch, Ho, Wo, filters)``; ``kernel (kh, kw, filters, cin)``
    (Keras' layout: output channels before input channels), ``bias (filters,)``.
    ``"valid"``: ``Ho = (H - 1) * sh + kh``; ``"same"``: ``Ho = H * sh`` (the full result cropped
    ``(kh - sh) // 2`` rows at the top, the rest at the bottom, as TensorFlow). Same for widths. With
    ``dilation_rate=(dh, dw)`` the kernel spans ``dh (kh - 1) + 1`` rows: read that for ``kh``.

    Parameters
    ----------
    filters : int
        Output channels.
    kernel_size : int or (int, int)
        ``(kh, kw)``.
    strides : int or (int, int)
        Upsampling factors ``(sh, sw)``.
    padding : {"valid", "same"}
    activation : str, optional
        Name from :mod:`dlcore.activations`; ``None`` is linear.
    use_bias : bool
    kernel_initializer, bias_initializer : str or callable
        Keras' defaults ``"glorot_uniform"`` and ``"zeros"``.
    dilation_rate : int or (int, int)
        ``(dh, dw)``: pixels between the taps of the kernel. As in Keras, dilation > 1 needs ``strides=1``.
    """

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid", activation: str | None = None,
                 use_bias: bool = True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 input_shape=None, name: str | None = None, dilation_rate=1):
        super().__init__(input_shape=input_shape, name=name)
        if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or filters < 1:
            raise ValueError(f"Conv2DTranspose: filters must be a positive integer, got {filters!r}")
        self.filters = int(filters)
        self.kernel_size = as_pair(kernel_size, "Conv2DTranspose: kernel_size")
        self.strides = as_pair(strides, "Conv2DTranspose: strides")
        self.dilation_rate = as_pair(dilation_rate, "Conv2DTranspose: dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"Conv2DTranspose: strides > 1 cannot be combined with dilation_rate > 1 (as in Keras), "
                             f"got strides={self.strides} and dilation_rate={self.dilation_rate}")
        self.padding = check_padding(padding)
        activations.get(activation)
        self.activation, self.use_bias = activation, use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)

    def build(self, input_shape, dtype=np.float32):
        if len(input_shape) != 4:
            raise self.shape_error(input_shape, "(batch, height, width, channels)", "expected a 4-D input")
        self.params["kernel"] = self.kernel_initializer((*self.kernel_size, self.filters, input_shape[-1]), dtype=dtype)
        if self.use_bias:
            self.params["bias"] = self.bias_initializer((self.filters,), dtype=dtype)
        self.built = True

    def _axis(self, size: int | None, k: int, s: int, d: int = 1) -> tuple:
        """``(out, crop_before, full)``: output length, rows cut at the start, length of the uncropped result.

        ``k``, ``s``, ``d``: kernel length, stride and dilation along this axis.
        """
        if size is None:
            return None, 0, None
        span = d * (k - 1) + 1  # what one stamp covers
        full = (size - 1) * s + span
        if self.padding == "valid":
            return full, 0, full
        out = size * s
        before = max(span - s, 0) // 2
        return out, before, max(full, before + out)  # k < s: zeros past the last stamp

    def _axes(self, h: int | None, w: int | None) -> tuple[tuple, tuple]:
        """:meth:`_axis` for the rows and the columns."""
        (kh, kw), (sh, sw), (dh, dw) = self.kernel_size, self.strides, self.dilation_rate
        return self._axis(h, kh, sh, dh), self._axis(w, kw, sw, dw)

    def compute_output_shape(self, input_shape):
        rows, cols = self._axes(input_shape[1], input_shape[2])
        return (input_shape[0], rows[0], cols[0], self.filters)

    def check_input_shape(self, shape):
        cin = self.params["kernel"].shape[3]
        if shape[3] != cin:
            raise self.shape_error(shape, f"(batch, height, width, {cin})", f"the last axis must have {cin} channels")

    def forward(self, x, training=False):
        """``x (batch, H, W, cin)`` → ``(batch, Ho, Wo, filters)``."""
        x = self._prepare(x, ndim=4)
        n, h, w, cin = x.shape
        kernel = self.param("kernel", x.dtype)
        kh, kw, f, _ = kernel.shape
        (ho, top, full_h), (wo, left, full_w) = self._axes(h, w)
        stamps = x.reshape(-1, cin) @ kernel.reshape(-1, cin).T  # (n h w, kh kw f): every pixel's scaled kernel
        stamps = stamps.reshape(n, h, w, kh, kw, f).transpose(3, 4, 0, 1, 2, 5)
        full = col2im(stamps, (n, full_h, full_w, f), self.strides, dilation=self.dilation_rate)
        z = np.ascontiguousarray(full[:, top:top + ho, left:left + wo])
        if self.use_bias:
            z += self.param("bias", x.dtype)
        y = activations.get(self.activation)(z)
        self._cache = (x, kernel, (full_h, full_w), (top, left), z, y)
        return y

    def backward(self, dout):
        """``dout (batch, Ho, Wo, filters)`` → ``dx (batch, H, W, cin)``; fills ``grads``."""
        x, kernel, (full_h, full_w), (top, left), z, y = self._cache
        dout = np.asarray(dout, dtype=z.dtype)
        if dout.shape != z.shape:
            raise ValueError(f"{self.describe()}: backward got dout of shape {dout.shape}, expected {z.shape}")
        dz = activations.backward(self.activation, z, y, dout)
        n, h, w, cin = x.shape
        dfull = np.zeros((n, full_h, full_w, self.filters), dtype=z.dtype)
        dfull[:, top:top + z.shape[1], left:left + z.shape[2]] = dz
        # (n h w, kh kw f): what each stamp touched
        cols = im2col(dfull, self.kernel_size, self.strides, (h, w), dilation=self.dilation_rate)
        self.grads["kernel"] = (cols.T @ x.reshape(-1, cin)).reshape(kernel.shape)
        if self.use_bias:
            self.grads["bias"] = dz.reshape(-1, self.filters).sum(axis=0)
        return (cols @ kernel.reshape(-1, cin)).reshape(x.shape) if self.input_grad else None

    def get_config(self):
        return {"name": self.name, "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "activation": self.activation,
                "dilation_rate": self.dilation_rate}
