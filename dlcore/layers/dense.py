"""``Dense``: a fully connected layer ``y = activation(x @ kernel + bias)``."""

from __future__ import annotations

import numpy as np

from .. import activations, initializers, regularizers
from .base import Layer


def weight_penalty(layer: Layer, regularizers_by_param: dict) -> float:
    """Sum of ``regularizer.penalty(layer.params[key])`` over the (key, regularizer) pairs that are set."""
    if not layer.built:
        return 0.0
    return float(sum(r.penalty(layer.params[key]) for key, r in regularizers_by_param.items()
                     if r is not None and key in layer.params))


class Dense(Layer):
    """Fully connected layer.

    Shapes: ``x (batch, ..., in)`` → ``y (batch, ..., units)``; ``kernel (in, units)``,
    ``bias (units,)``. Leading axes are batch axes (a Dense on ``(batch, time, in)`` acts per step).

    Parameters
    ----------
    units : int
        Output features.
    activation : str, optional
        Name from :mod:`dlcore.activations`; ``None`` is linear.
    input_dim : int, optional
        Input features (Keras 2 style); same as ``input_shape=(input_dim,)``.
    kernel_regularizer : Regularizer or str, optional
        Penalty on ``kernel`` (see :mod:`dlcore.regularizers`).
    use_bias : bool
        Whether to add ``bias``.
    kernel_initializer, bias_initializer : str or callable
        Names from :mod:`dlcore.initializers`; Keras' defaults ``"glorot_uniform"`` and ``"zeros"``
        (``"he_normal"`` suits a kernel before ReLU).
    bias_regularizer : Regularizer or str, optional
        Penalty on ``bias``.
    """

    supports_masking = True  # passes a padding mask on (Keras)

    def __init__(self, units: int, activation: str | None = None, input_dim: int | None = None,
                 kernel_regularizer=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", bias_regularizer=None,
                 input_shape=None, name: str | None = None):
        if input_dim is not None:
            input_shape = (input_dim,)
        super().__init__(input_shape=input_shape, name=name)
        if not isinstance(units, (int, np.integer)) or units < 1:
            raise ValueError(f"Dense: units must be a positive integer, got {units!r}")
        self.units = int(units)
        self.activation = activation
        activations.get(activation)  # fail now, not at the first forward, on a typo
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)

    def build(self, input_shape, dtype=np.float32):
        n_in = input_shape[-1]
        self.params["kernel"] = self.kernel_initializer((n_in, self.units), dtype=dtype)
        if self.use_bias:
            self.params["bias"] = self.bias_initializer((self.units,), dtype=dtype)
        self.built = True

    def check_input_shape(self, shape):
        n_in = self.params["kernel"].shape[0]
        if shape[-1] != n_in:
            raise self.shape_error(shape, f"(batch, {n_in})", f"the last axis must have {n_in} features")

    def expected_input_desc(self):
        return "(batch, features)" if not self.built else f"(batch, {self.params['kernel'].shape[0]})"

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def forward(self, x, training=False):
        """``x (batch, ..., in)`` → ``(batch, ..., units)``."""
        x = self._prepare(x, min_ndim=2)
        z = x @ self.param("kernel", x.dtype)
        if self.use_bias:
            z += self.param("bias", x.dtype)
        y = activations.get(self.activation)(z)
        self._cache = (x, z, y)
        return y

    def backward(self, dout):
        """``dout (batch, ..., units)`` → ``dx (batch, ..., in)``; fills ``grads``."""
        x, z, y = self._cache
        dz = activations.backward(self.activation, z, y, dout)
        x2, dz2 = x.reshape(-1, x.shape[-1]), dz.reshape(-1, dz.shape[-1])
        kernel = self.param("kernel", x.dtype)
        self.grads["kernel"] = x2.T @ dz2
        if self.kernel_regularizer is not None:
            self.grads["kernel"] += self.kernel_regularizer.gradient(kernel)
        if self.use_bias:
            self.grads["bias"] = dz2.sum(axis=0)
            if self.bias_regularizer is not None:
                self.grads["bias"] += self.bias_regularizer.gradient(self.param("bias", x.dtype))
        return dz @ kernel.T if self.input_grad else None

    def regularization_loss(self):
        return weight_penalty(self, {"kernel": self.kernel_regularizer, "bias": self.bias_regularizer})

    def get_config(self):
        return {"name": self.name, "units": self.units, "activation": self.activation}
