"""``BatchNormalization`` and ``LayerNormalization``: normalise, then scale by ``gamma`` and shift by ``beta``.

Both compute ``y = gamma * (x - mean) / sqrt(var + epsilon) + beta`` with a per-feature ``gamma`` and ``beta``
on the last axis. They differ in which entries the statistics are taken over: batch norm over every axis but
the last (all samples and positions of one channel), layer norm over the last axis of one sample.
"""

from __future__ import annotations

import numpy as np

from .base import Layer


def _normalize_backward(dxhat: np.ndarray, xhat: np.ndarray, inv_std: np.ndarray, axes: tuple) -> np.ndarray:
    """Gradient through ``xhat = (x - mean(x)) * inv_std`` when mean and variance are computed from ``x`` over ``axes``.

    ``dx = inv_std * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))`` (means over ``axes``): the two
    subtracted terms are the paths through the mean and through the variance.
    """
    mean_d = dxhat.mean(axis=axes, keepdims=True)
    mean_dx = (dxhat * xhat).mean(axis=axes, keepdims=True)
    return inv_std * (dxhat - mean_d - xhat * mean_dx)


class _Normalization(Layer):
    """Shared parts: ``gamma``/``beta`` of shape ``(features,)`` on the last axis, and the shape check."""

    supports_masking = True  # passes a padding mask on (Keras)

    def __init__(self, epsilon: float, input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        if not epsilon > 0:
            raise ValueError(f"{type(self).__name__}: epsilon must be positive, got {epsilon!r}")
        self.epsilon = float(epsilon)

    def build(self, input_shape, dtype=np.float32):
        n = input_shape[-1]
        self.params["gamma"] = np.ones(n, dtype=dtype)
        self.params["beta"] = np.zeros(n, dtype=dtype)
        self.built = True

    def check_input_shape(self, shape):
        n = self.params["gamma"].shape[0]
        if shape[-1] != n:
            raise self.shape_error(shape, f"(batch, ..., {n})", f"the last axis must have {n} features")

    def expected_input_desc(self):
        return "(batch, ..., features)" if not self.built else f"(batch, ..., {self.params['gamma'].shape[0]})"

    def _scale_backward(self, dout: np.ndarray) -> np.ndarray:
        """Fill ``grads`` of ``gamma``/``beta`` and return ``dL/dxhat``."""
        xhat = self._cache[0]
        dout = np.asarray(dout, dtype=xhat.dtype)
        sum_axes = tuple(range(dout.ndim - 1))
        self.grads["gamma"] = (dout * xhat).sum(axis=sum_axes)
        self.grads["beta"] = dout.sum(axis=sum_axes)
        return dout * self.param("gamma", xhat.dtype)

    def get_config(self):
        return {"name": self.name, "epsilon": self.epsilon}


class BatchNormalization(_Normalization):
    """Batch normalisation (Ioffe & Szegedy 2015) over every axis except the last, as Keras.

    Shapes: ``x (batch, features)`` or ``(batch, H, W, channels)`` (NHWC) or any ``(batch, ..., C)`` →
    same shape; ``gamma (C,)``, ``beta (C,)``. In training mode each channel is normalised with the
    mean and (biased) variance of the current batch, so the output of channel ``c`` has mean
    ``beta[c]`` and standard deviation ``gamma[c]`` (exactly, up to ``epsilon``); at inference the
    moving statistics are used instead, so one sample's output does not depend on the rest of its batch.

    Parameters
    ----------
    momentum : float
        ``moving = momentum * moving + (1 - momentum) * batch_statistic`` after every training step.
    epsilon : float
        Added to the variance before the square root (avoids dividing by 0 on a constant channel).

    Attributes
    ----------
    moving_mean, moving_variance : ndarray, shape (C,)
        State, not trainable (hence not in ``params``; :meth:`count_non_trainable` counts them, as
        Keras' summary does). Initialised to 0 and 1.
    """

    def __init__(self, momentum: float = 0.99, epsilon: float = 1e-3, input_shape=None, name: str | None = None):
        super().__init__(epsilon, input_shape=input_shape, name=name)
        if not 0 <= momentum <= 1:
            raise ValueError(f"BatchNormalization: momentum must be in [0, 1], got {momentum!r}")
        self.momentum = float(momentum)
        self.moving_mean: np.ndarray | None = None
        self.moving_variance: np.ndarray | None = None

    def build(self, input_shape, dtype=np.float32):
        super().build(input_shape, dtype)
        n = input_shape[-1]
        self.moving_mean = np.zeros(n, dtype=dtype)
        self.moving_variance = np.ones(n, dtype=dtype)

    def count_non_trainable(self):
        return 0 if not self.built else int(self.moving_mean.size + self.moving_variance.size)

    def forward(self, x, training=False):
        """``x (batch, ..., C)`` → same shape; in training also updates the moving statistics."""
        x = self._prepare(x, min_ndim=2)
        axes = tuple(range(x.ndim - 1))
        if training:
            mean = x.mean(axis=axes)
            var = x.var(axis=axes)  # biased (divides by N), as Keras, for normalising and for the moving average
            m = self.momentum
            self.moving_mean = (m * self.moving_mean + (1 - m) * mean).astype(self.moving_mean.dtype)
            self.moving_variance = (m * self.moving_variance + (1 - m) * var).astype(self.moving_variance.dtype)
        else:
            mean = self.moving_mean.astype(x.dtype, copy=False)
            var = self.moving_variance.astype(x.dtype, copy=False)
        inv_std = 1.0 / np.sqrt(var + np.asarray(self.epsilon, dtype=x.dtype))
        xhat = (x - mean) * inv_std
        self._cache = (xhat, inv_std, training)
        return xhat * self.param("gamma", x.dtype) + self.param("beta", x.dtype)

    def backward(self, dout):
        """``dout (batch, ..., C)`` → ``dx`` (same shape); fills ``grads['gamma']``, ``grads['beta']``."""
        xhat, inv_std, training = self._cache
        dxhat = self._scale_backward(dout)
        if not training:  # the statistics are constants: the layer is an affine map per channel
            return dxhat * inv_std
        return _normalize_backward(dxhat, xhat, inv_std, tuple(range(xhat.ndim - 1)))

    def get_config(self):
        return {"name": self.name, "momentum": self.momentum, "epsilon": self.epsilon}


class LayerNormalization(_Normalization):
    """Layer normalisation (Ba et al. 2016) over the last axis of each sample, as Keras' default.

    Shapes: ``x (batch, ..., features)`` → same shape; ``gamma (features,)``, ``beta (features,)``.
    Statistics come from one sample (one time step) alone, so training and inference behave the
    same, whatever the batch size — what Transformers need.

    Parameters
    ----------
    epsilon : float
        Added to the variance before the square root.
    """

    def __init__(self, epsilon: float = 1e-3, input_shape=None, name: str | None = None):
        super().__init__(epsilon, input_shape=input_shape, name=name)

    def forward(self, x, training=False):
        """``x (batch, ..., features)`` → same shape."""
        x = self._prepare(x, min_ndim=2)
        mean = x.mean(axis=-1, keepdims=True)
        var = x.var(axis=-1, keepdims=True)
        inv_std = 1.0 / np.sqrt(var + np.asarray(self.epsilon, dtype=x.dtype))
        xhat = (x - mean) * inv_std
        self._cache = (xhat, inv_std)
        return xhat * self.param("gamma", x.dtype) + self.param("beta", x.dtype)

    def backward(self, dout):
        """``dout (batch, ..., features)`` → ``dx`` (same shape); fills ``grads['gamma']``, ``grads['beta']``."""
        xhat, inv_std = self._cache
        dxhat = self._scale_backward(dout)
        return _normalize_backward(dxhat, xhat, inv_std, (-1,))
