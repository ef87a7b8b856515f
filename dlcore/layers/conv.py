"""``Conv2D``: a 2-D convolution on NHWC images, computed as one matrix product (im2col)."""

from __future__ import annotations

import numpy as np

from .. import activations, initializers, regularizers
from .base import Layer
from .dense import weight_penalty
from .im2col import col2im, conv_output_length, im2col
from .workspace import Workspace

PADDINGS = ("valid", "same")
# Up to this many input channels, im2col uses the transposed layout (long contiguous copies; see im2col).
# Measured (forward + backward): 1 channel ~1.8x faster, 3 channels 1.1-1.6x, 4 even, 8+ the row layout wins.
TRANSPOSED_MAX_CHANNELS = 3


def as_pair(value, what: str) -> tuple[int, int]:
    """``3 -> (3, 3)``, ``(3, 2) -> (3, 2)``; anything but one or two positive ints is a ``ValueError``."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v >= 1 for v in pair):
        raise ValueError(f"{what} must be a positive int or a pair of them, got {value!r}")
    return int(pair[0]), int(pair[1])


def check_padding(padding: str) -> str:
    """Lower-cased ``padding``, which must be ``"valid"`` or ``"same"``."""
    if not isinstance(padding, str) or padding.lower() not in PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    return padding.lower()


def nchw_hint(shape: tuple, channels: int | None) -> str:
    """A hint for inputs that look channels-first (``(N, C, H, W)``) or lack the channel axis."""
    if len(shape) == 3:
        return "; images need 4 axes (batch, height, width, channels): add a channel axis with x[..., None]"
    if len(shape) == 4 and channels is not None and shape[1] == channels and shape[3] != channels:
        return ("; this looks like channels-first (N, C, H, W) data, but dlcore uses channels-last "
                "(N, H, W, C) like Keras: use x.transpose(0, 2, 3, 1)")
    return ""


class Conv2D(Layer):
    """2-D convolution (cross-correlation, as in every framework) on channels-last images.

    Shapes: ``x (batch, H, W, cin)`` → ``y (batch, Ho, Wo, filters)``; ``kernel (kh, kw, cin, filters)``,
    ``bias (filters,)``. ``"valid"``: ``Ho = floor((H - kh) / sh) + 1``; ``"same"``: ``Ho = ceil(H / sh)``
    with TensorFlow's padding (extra pixel at the bottom/right). Same for widths. With
    ``dilation_rate=(dh, dw)`` the kernel spans ``dh (kh - 1) + 1`` rows: read that for ``kh``.

    Parameters
    ----------
    filters : int
        Output channels.
    kernel_size : int or (int, int)
        ``(kh, kw)``.
    strides : int or (int, int)
        Step between windows, ``(sh, sw)``.
    padding : {"valid", "same"}
        ``"valid"``: windows inside the image only; ``"same"``: zero-pad so that ``Ho = ceil(H / sh)``.
    activation : str, optional
        Name from :mod:`dlcore.activations`; ``None`` is linear.
    input_shape : (H, W, cin), optional
        Shape of one image, to build (and summarise) the layer before it sees data.
    kernel_initializer, bias_initializer : str or callable
        Names from :mod:`dlcore.initializers`; Keras' defaults ``"glorot_uniform"`` and ``"zeros"``.
    use_bias : bool
        Whether to add ``bias``.
    kernel_regularizer, bias_regularizer : Regularizer or str, optional
        Penalties added to the loss (see :mod:`dlcore.regularizers`).
    dilation_rate : int or (int, int)
        ``(dh, dw)``: rows and columns between the pixels the kernel reads (1: adjacent pixels, a
        dilated or "atrous" kernel otherwise). As in Keras, dilation > 1 needs ``strides=1``.
    """

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid", activation: str | None = None,
                 input_shape=None, kernel_initializer="glorot_uniform", use_bias: bool = True, name: str | None = None,
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, dilation_rate=1):
        if input_shape is not None and len(input_shape) != 3:
            raise ValueError(f"Conv2D: input_shape must be (height, width, channels), got {tuple(input_shape)}; "
                             "for grayscale images use e.g. (28, 28, 1)")
        super().__init__(input_shape=input_shape, name=name)
        if not isinstance(filters, (int, np.integer)) or filters < 1:
            raise ValueError(f"Conv2D: filters must be a positive integer, got {filters!r}")
        self.filters = int(filters)
        self.kernel_size = as_pair(kernel_size, "Conv2D: kernel_size")
        self.strides = as_pair(strides, "Conv2D: strides")
        self.dilation_rate = as_pair(dilation_rate, "Conv2D: dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"Conv2D: strides > 1 cannot be combined with dilation_rate > 1 (as in Keras), "
                             f"got strides={self.strides} and dilation_rate={self.dilation_rate}")
        self.padding = check_padding(padding)
        self.activation = activation
        activations.get(activation)  # fail now, not at the first forward, on a typo
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.use_bias = use_bias
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.workspace = Workspace()

    # ----- shapes -------------------------------------------------------------------------
    def build(self, input_shape, dtype=np.float32):
        if len(input_shape) != 4:
            raise self.shape_error(input_shape, "(batch, height, width, channels)", "Conv2D needs 4-D input")
        self.compute_output_shape(input_shape)  # an image smaller than the kernel fails here
        shape = (*self.kernel_size, input_shape[-1], self.filters)
        self.params["kernel"] = self.kernel_initializer(shape, dtype=dtype)
        if self.use_bias:
            self.params["bias"] = self.bias_initializer((self.filters,), dtype=dtype)
        self.built = True

    def _geometry(self, input_shape) -> tuple[tuple, tuple]:
        """``((Ho, top, bottom), (Wo, left, right))`` for an input shape; raises if the image is too small."""
        rows, cols = (conv_output_length(input_shape[axis + 1], self.kernel_size[axis], self.strides[axis],
                                         self.padding, self.dilation_rate[axis]) for axis in (0, 1))
        if (rows[0] is not None and rows[0] < 1) or (cols[0] is not None and cols[0] < 1):
            raise self.shape_error(input_shape, f"images of at least {self.span} pixels",
                                   "the image is smaller than the kernel; use padding='same' or a smaller kernel")
        return rows, cols

    @property
    def span(self) -> tuple[int, int]:
        """Rows and columns one output pixel reads, ``d (k - 1) + 1`` (the kernel size when not dilated)."""
        return tuple(d * (k - 1) + 1 for k, d in zip(self.kernel_size, self.dilation_rate))

    def compute_output_shape(self, input_shape):
        (ho, _, _), (wo, _, _) = self._geometry(input_shape)
        return (input_shape[0], ho, wo, self.filters)

    def expected_input_desc(self):
        if self.built:
            return f"(batch, height, width, {self.params['kernel'].shape[2]})"
        if self.input_shape is not None:
            return (None, *self.input_shape)
        return "(batch, height, width, channels)"

    def check_input_shape(self, shape):
        cin = self.params["kernel"].shape[2]
        if shape[3] != cin:
            raise self.shape_error(shape, self.expected_input_desc(),
                                   f"the last axis must have {cin} channels" + nchw_hint(shape, cin))
        self._geometry(shape)

    def _prepare(self, x, ndim=None, min_ndim=None):
        # checked before the base class so that the errors carry the real shape and the NCHW hints
        shape = np.shape(x)
        if len(shape) != 4:
            raise self.shape_error(shape, self.expected_input_desc(), "expected a 4-D input" + nchw_hint(shape, None))
        if self.built:
            self.check_input_shape(shape)
        elif self.input_shape is not None and tuple(shape[1:]) != self.input_shape:
            raise self.shape_error(shape, self.expected_input_desc(),
                                   "it was declared with input_shape" + nchw_hint(shape, self.input_shape[-1]))
        else:
            self._geometry(shape)  # too small an image: report the real shape, not build's (None, ...)
        return super()._prepare(x, ndim=ndim, min_ndim=min_ndim)

    # ----- forward / backward -------------------------------------------------------------
    def forward(self, x, training=False):
        """``x (batch, H, W, cin)`` → ``(batch, Ho, Wo, filters)``."""
        x = self._prepare(x, ndim=4)
        (ho, top, bottom), (wo, left, right) = self._geometry(x.shape)
        xp = self.workspace.padded("x_padded", x, (top, bottom, left, right))
        kernel = self.param("kernel", x.dtype)
        kh, kw, cin, cout = kernel.shape
        k2 = kernel.reshape(kh * kw * cin, cout)
        m = x.shape[0] * ho * wo
        transposed = cin <= TRANSPOSED_MAX_CHANNELS
        shape = (kh * kw * cin, m) if transposed else (m, kh * kw * cin)
        cols = im2col(xp, (kh, kw), self.strides, (ho, wo), transposed=transposed,
                      out=self.workspace.get("cols", shape, x.dtype), dilation=self.dilation_rate)
        z = cols.T @ k2 if transposed else cols @ k2  # (m, cout), a new array
        if self.use_bias:
            z += self.param("bias", x.dtype)
        z = z.reshape(x.shape[0], ho, wo, cout)
        y = activations.get(self.activation)(z)
        self._cache = (x.shape, xp.shape, (top, left), cols, transposed, kernel, z, y)
        return y

    def backward(self, dout):
        """``dout (batch, Ho, Wo, filters)`` → ``dx (batch, H, W, cin)``; fills ``grads``."""
        x_shape, xp_shape, (top, left), cols, transposed, kernel, z, y = self._cache
        dout = np.asarray(dout, dtype=z.dtype)
        if dout.shape != z.shape:
            raise ValueError(f"{self.describe()}: backward got dout of shape {dout.shape}, expected {z.shape}")
        dz = activations.backward(self.activation, z, y, dout)  # may be dout itself: read only
        kh, kw, cin, cout = kernel.shape
        dz2 = dz.reshape(-1, cout)
        m = dz2.shape[0]
        self.grads["kernel"] = (cols @ dz2 if transposed else cols.T @ dz2).reshape(kernel.shape)
        if self.use_bias:
            # a matrix-vector product: far faster than dz2.sum(axis=0) on a tall, narrow matrix
            self.grads["bias"] = self.workspace.get("ones", (m,), z.dtype, fill=1.0) @ dz2
        self._add_penalty_gradients(z.dtype)
        if not self.input_grad:  # first layer of a model: nothing needs d(loss)/d(images)
            return None
        # patch gradients grouped by kernel offset, in the layout col2im reads contiguously
        if transposed:
            buf = self.workspace.get("dcols", (kh * kw * cin, m), z.dtype)
            dcols = np.matmul(kernel.reshape(-1, cout), dz2.T, out=buf)
            dcols = dcols.reshape(kh, kw, cin, *z.shape[:3])
        else:
            k_t = kernel.reshape(kh * kw, cin, cout).transpose(0, 2, 1)  # (kh*kw, cout, cin)
            buf = self.workspace.get("dcols", (kh * kw, m, cin), z.dtype)
            dcols = np.matmul(dz2, k_t, out=buf)
            dcols = dcols.reshape(kh, kw, *z.shape[:3], cin)
        dxp = col2im(dcols, xp_shape, self.strides, transposed=transposed, dilation=self.dilation_rate)
        if dxp.shape == x_shape:
            return dxp
        return np.ascontiguousarray(dxp[:, top:top + x_shape[1], left:left + x_shape[2], :])

    def _add_penalty_gradients(self, dtype) -> None:
        for key, reg in (("kernel", self.kernel_regularizer), ("bias", self.bias_regularizer)):
            if reg is not None and key in self.grads:
                self.grads[key] += reg.gradient(self.param(key, dtype))

    def regularization_loss(self):
        return weight_penalty(self, {"kernel": self.kernel_regularizer, "bias": self.bias_regularizer})

    def get_config(self):
        return {"name": self.name, "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "activation": self.activation,
                "dilation_rate": self.dilation_rate}
