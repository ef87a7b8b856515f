"""``Conv1D``: a convolution along time, ``(batch, T, cin)`` → ``(batch, T', filters)``.

A sequence is an image of height 1, so this is :class:`~dlcore.layers.conv.Conv2D` with a
``(1, k)`` kernel on ``x[:, None]``. ``padding="causal"`` pads ``k - 1`` zeros on the left only:
the output at step ``t`` then sees the inputs up to ``t`` and never the future (WaveNet).

A *dilated* kernel (``dilation_rate=d``, WaveNet's way to see far back with few weights) reads every
``d``-th step: ``y[t] = sum_i x[t + d i] @ kernel[i]``; it is Conv2D's ``dilation_rate=(1, d)``.
"""

from __future__ import annotations

import numpy as np

from .base import Layer
from .conv import Conv2D


class Conv1D(Layer):
    """1-D convolution on channels-last sequences.

    Shapes: ``x (batch, T, cin)`` → ``y (batch, To, filters)``; ``kernel (k, cin, filters)``,
    ``bias (filters,)`` (Keras' shapes). ``"valid"``: ``To = floor((T - k) / s) + 1``;
    ``"same"``: ``To = ceil(T / s)``; ``"causal"``: ``To = floor((T - 1) / s) + 1``. With
    ``dilation_rate=d`` the kernel spans ``d (k - 1) + 1`` steps: read that for ``k`` (and ``s = 1``).

    Parameters
    ----------
    filters : int
        Output channels.
    kernel_size : int
        Window length ``k``.
    strides : int
        Step ``s`` between windows.
    padding : {"valid", "same", "causal"}
        ``"same"`` pads ``d (k - 1)`` zeros in all (for ``s = 1``), the extra one at the end;
        ``"causal"`` pads them all at the start.
    activation : str, optional
        Name from :mod:`dlcore.activations`; ``None`` is linear.
    kernel_initializer, bias_initializer : str or callable
        Keras' defaults ``"glorot_uniform"`` and ``"zeros"``.
    use_bias : bool
        Whether to add ``bias``.
    kernel_regularizer, bias_regularizer : Regularizer or str, optional
        Penalties added to the loss.
    dilation_rate : int
        Spacing ``d`` between the steps the kernel reads (1: adjacent steps). As in Keras, ``d > 1``
        needs ``strides=1``.
    input_shape : (T, cin), optional
        Shape of one sequence; ``T`` may be ``None``.
    """

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid", activation: str | None = None,
                 use_bias: bool = True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, dilation_rate=1, input_shape=None,
                 name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        kernel_size, strides = _single(kernel_size, "kernel_size"), _single(strides, "strides")
        dilation_rate = _single(dilation_rate, "dilation_rate")
        if strides > 1 and dilation_rate > 1:
            raise ValueError(f"Conv1D: strides > 1 cannot be combined with dilation_rate > 1 (as in Keras), "
                             f"got strides={strides} and dilation_rate={dilation_rate}")
        if not isinstance(padding, str) or padding.lower() not in ("valid", "same", "causal"):
            raise ValueError(f"Conv1D: padding must be 'valid', 'same' or 'causal', got {padding!r}")
        self.padding = padding.lower()
        self.filters, self.kernel_size, self.strides = filters, kernel_size, strides
        self.dilation_rate = dilation_rate
        # the work is done by a Conv2D on (batch, 1, T, cin); "causal" is "valid" after left padding
        self.conv = Conv2D(filters, (1, kernel_size), strides=(1, strides),
                           padding="same" if self.padding == "same" else "valid", dilation_rate=(1, dilation_rate),
                           activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                           bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                           bias_regularizer=bias_regularizer,
                           name=f"{self.name}_2d")
        self.activation, self.use_bias = activation, use_bias

    def build(self, input_shape, dtype=np.float32):
        self.conv.build((None, 1, self.span, input_shape[-1]), dtype=dtype)
        self.params.update({key: p[0] if key == "kernel" else p for key, p in self.conv.params.items()})
        self.built = True

    @property
    def span(self) -> int:
        """Steps one output reads, ``d (k - 1) + 1`` (the kernel length when not dilated)."""
        return self.dilation_rate * (self.kernel_size - 1) + 1

    def compute_output_shape(self, input_shape):
        t = input_shape[1]
        if t is not None and self.padding == "causal":
            t += self.span - 1
        return (input_shape[0], *self.conv.compute_output_shape((input_shape[0], 1, t, input_shape[-1]))[2:])

    def check_input_shape(self, shape):
        cin = self.params["kernel"].shape[1]
        if shape[-1] != cin:
            raise self.shape_error(shape, f"(batch, time, {cin})", f"the last axis must have {cin} channels")

    def forward(self, x, training=False):
        """``x (batch, T, cin)`` → ``(batch, To, filters)``."""
        x = self._prepare(x, ndim=3)
        if self.padding == "causal":  # all the padding before the first step: no output sees the future
            x = np.pad(x, ((0, 0), (self.span - 1, 0), (0, 0)))
        if self.padding != "same" and x.shape[1] < self.span:
            raise self.shape_error(x.shape, f"sequences of at least {self.span} steps",
                                   "the sequence is shorter than the kernel; use padding='same' or 'causal'")
        self.conv.params = {key: p[None] if key == "kernel" else p for key, p in self.params.items()}
        return self.conv.forward(x[:, None])[:, 0]

    def backward(self, dout):
        """``dout (batch, To, filters)`` → ``dx (batch, T, cin)``; fills ``grads``."""
        self.conv.input_grad = self.input_grad
        dx = self.conv.backward(np.asarray(dout)[:, None])
        self.grads = {key: g[0] if key == "kernel" else g for key, g in self.conv.grads.items()}
        if dx is None:
            return None
        return dx[:, 0, self.span - 1:] if self.padding == "causal" else dx[:, 0]

    def regularization_loss(self):
        if not self.built:
            return 0.0
        self.conv.params = {key: p[None] if key == "kernel" else p for key, p in self.params.items()}
        return self.conv.regularization_loss()

    def get_config(self):
        return {"name": self.name, "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "activation": self.activation,
                "dilation_rate": self.dilation_rate}


def _single(value, what: str) -> int:
    """``3`` or ``(3,)`` → ``3``; anything else is a ``ValueError``."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"Conv1D: {what} must be a positive int, got {value!r}")
    return int(value)
