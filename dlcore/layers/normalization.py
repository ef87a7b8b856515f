"""``BatchNormalization`` and ``LayerNormalization``: normalise, then scale by ``gamma`` and shift by ``beta``.

Both compute ``y = gamma * (x - mean) / sqrt(var + epsilon) + beta``, with ``gamma`` and ``beta`` holding one
number per feature along the feature ``axis`` (Keras' default: the last axis). They differ in which entries
the statistics are taken over: batch norm over every axis but ``axis`` (all samples and positions of one
channel), layer norm over the ``axis`` axes of one sample. ``center=False`` drops ``beta``, ``scale=False``
drops ``gamma`` (then the weights, and ``get_weights()``, shrink as in Keras).
"""

from __future__ import annotations

import numpy as np

from .. import initializers, regularizers
from .base import Layer
from .dense import weight_penalty


def _normalize_backward(dxhat: np.ndarray, xhat: np.ndarray, inv_std: np.ndarray, axes: tuple) -> np.ndarray:
    """Gradient through ``xhat = (x - mean(x)) * inv_std`` when mean and variance are computed from ``x`` over ``axes``.

    ``dx = inv_std * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))`` (means over ``axes``): the two
    subtracted terms are the paths through the mean and through the variance.
    """
    mean_d = dxhat.mean(axis=axes, keepdims=True)
    mean_dx = (dxhat * xhat).mean(axis=axes, keepdims=True)
    return inv_std * (dxhat - mean_d - xhat * mean_dx)


class _Normalization(Layer):
    """Shared parts: the feature axes, ``gamma``/``beta`` (if ``scale``/``center``), their penalties, shape checks."""

    supports_masking = True  # passes a padding mask on (Keras)

    def __init__(self, axis, epsilon: float, center: bool, scale: bool, beta_initializer, gamma_initializer,
                 beta_regularizer, gamma_regularizer, input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        if not epsilon > 0:
            raise ValueError(f"{type(self).__name__}: epsilon must be positive, got {epsilon!r}")
        self.axis = axis
        self.epsilon = float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self._check_axis()
        self._feature_shape: tuple | None = None  # sizes along the feature axes, fixed by build

    def _axis_list(self) -> list[int]:
        """The feature axes as given (may be negative), in Keras' order (sorted, as Keras' build does)."""
        return sorted(self.axis) if isinstance(self.axis, (list, tuple)) else [self.axis]

    def _feature_axes(self, ndim: int, shape=None) -> tuple[int, ...]:
        """The feature axes as non-negative ints for an input of ``ndim`` dimensions (checks they exist)."""
        axes = self._axis_list()
        if any(not -ndim <= a < ndim for a in axes) or len({a % ndim for a in axes}) != len(axes):
            shape = shape if shape is not None else f"{ndim} dimensions"
            raise ValueError(f"{self.describe()}: axis={self.axis!r} is out of bounds (or repeated) for an input "
                             f"of shape {shape}")
        return tuple(a % ndim for a in axes)

    def _check_axis(self) -> None:
        axes = self._axis_list()
        if not axes or not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
            raise ValueError(f"{type(self).__name__}: axis must be an int or a list of ints, got {self.axis!r}")

    def build(self, input_shape, dtype=np.float32):
        axes = self._feature_axes(len(input_shape), input_shape)
        if any(input_shape[a] is None for a in axes):
            raise self.shape_error(input_shape, "a known size along the feature axis", f"axis={self.axis!r}")
        # Keras' weight shape: the sizes along the axes in Keras' (sorted) order
        self._feature_shape = tuple(int(input_shape[a]) for a in self._axis_list())
        if self.scale:
            self.params["gamma"] = self.gamma_initializer(self._feature_shape, dtype=dtype)
        if self.center:
            self.params["beta"] = self.beta_initializer(self._feature_shape, dtype=dtype)
        self.built = True

    def check_input_shape(self, shape):
        self._feature_axes(len(shape), tuple(shape))
        if tuple(shape[a] for a in self._axis_list()) != self._feature_shape:
            want = self._feature_shape[0] if len(self._feature_shape) == 1 else self._feature_shape
            raise self.shape_error(shape, self.expected_input_desc(), f"axis={self.axis!r} must have {want} features")

    def expected_input_desc(self):
        if not self.built:
            return "(batch, ..., features)"
        if self.axis == -1:
            return f"(batch, ..., {self._feature_shape[0]})"
        return f"sizes {self._feature_shape} along axis={self.axis!r}"

    def _broadcast(self, w: np.ndarray, ndim: int) -> np.ndarray:
        """A ``gamma``/``beta``-shaped array reshaped to broadcast against an ``ndim``-D input (as Keras does)."""
        shape = [1] * ndim
        for a, n in zip(self._axis_list(), self._feature_shape):
            shape[a] = n
        return w.reshape(shape)

    def _affine(self, xhat: np.ndarray) -> np.ndarray:
        """``xhat * gamma + beta`` with whichever of the two exist."""
        y = xhat
        if self.scale:
            y = y * self._broadcast(self.param("gamma", xhat.dtype), xhat.ndim)
        if self.center:
            y = y + self._broadcast(self.param("beta", xhat.dtype), xhat.ndim)
        return y

    def _affine_backward(self, dout: np.ndarray, xhat: np.ndarray, axes: tuple) -> np.ndarray:
        """Fill ``grads`` of ``gamma``/``beta`` (with their penalties' gradients) and return ``dL/dxhat``."""
        dout = np.asarray(dout, dtype=xhat.dtype)
        sum_axes = tuple(a for a in range(dout.ndim) if a not in axes)
        if self.scale:
            gamma = self.param("gamma", xhat.dtype)
            self.grads["gamma"] = (dout * xhat).sum(axis=sum_axes).reshape(gamma.shape)
            if self.gamma_regularizer is not None:
                self.grads["gamma"] += self.gamma_regularizer.gradient(gamma)
            dout_x = dout * self._broadcast(gamma, dout.ndim)
        else:
            dout_x = dout
        if self.center:
            self.grads["beta"] = dout.sum(axis=sum_axes).reshape(self.params["beta"].shape)
            if self.beta_regularizer is not None:
                self.grads["beta"] += self.beta_regularizer.gradient(self.param("beta", xhat.dtype))
        return dout_x

    def regularization_loss(self):
        return weight_penalty(self, {"gamma": self.gamma_regularizer, "beta": self.beta_regularizer})

    def get_config(self):
        return {"name": self.name, "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale}


class BatchNormalization(_Normalization):
    """Batch normalisation (Ioffe & Szegedy 2015) over every axis except ``axis``, as Keras.

    Shapes: ``x (batch, features)`` or ``(batch, H, W, channels)`` (NHWC) or any ``(batch, ..., C)`` →
    same shape; ``gamma (C,)``, ``beta (C,)`` where ``C`` is the size of ``axis`` (default the last).
    In training mode each channel is normalised with the mean and (biased) variance of the current
    batch, so the output of channel ``c`` has mean ``beta[c]`` and standard deviation ``gamma[c]``
    (exactly, up to ``epsilon``); at inference the moving statistics are used instead, so one sample's
    output does not depend on the rest of its batch.

    Parameters
    ----------
    axis : int
        The channel axis (Keras' default ``-1``; ``1`` for a ``(batch, C, H, W)`` layout).
    momentum : float
        ``moving = momentum * moving + (1 - momentum) * batch_statistic`` after every training step.
    epsilon : float
        Added to the variance before the square root (avoids dividing by 0 on a constant channel).
    center, scale : bool
        Whether to learn ``beta`` (a shift) and ``gamma`` (a scale). Without them the layer has no
        such weight (``get_weights()`` is shorter, as in Keras): e.g. ``scale=False`` before a ReLU,
        whose next layer can do the scaling.
    beta_initializer, gamma_initializer, moving_mean_initializer, moving_variance_initializer : str or callable
        Keras' defaults ``"zeros"``, ``"ones"``, ``"zeros"``, ``"ones"``.
    beta_regularizer, gamma_regularizer : Regularizer or str, optional
        Penalties on ``beta`` and ``gamma`` (see :mod:`dlcore.regularizers`).

    Attributes
    ----------
    moving_mean, moving_variance : ndarray, shape (C,)
        State, not trainable (hence not in ``params``; ``count_non_trainable()`` counts them, as
        Keras' summary does).
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, input_shape=None, name: str | None = None):
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise ValueError(f"BatchNormalization: axis must be one int (the channel axis), got {axis!r}")
        super().__init__(int(axis), epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, input_shape=input_shape, name=name)
        if not 0 <= momentum <= 1:
            raise ValueError(f"BatchNormalization: momentum must be in [0, 1], got {momentum!r}")
        self.momentum = float(momentum)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.moving_mean: np.ndarray | None = None
        self.moving_variance: np.ndarray | None = None

    def build(self, input_shape, dtype=np.float32):
        super().build(input_shape, dtype)
        self.moving_mean = self.moving_mean_initializer(self._feature_shape, dtype=dtype)
        self.moving_variance = self.moving_variance_initializer(self._feature_shape, dtype=dtype)

    def forward(self, x, training=False):
        """``x (batch, ..., C)`` → same shape; in training also updates the moving statistics."""
        x = self._prepare(x, min_ndim=2)
        channel = self._feature_axes(x.ndim)
        axes = tuple(a for a in range(x.ndim) if a not in channel)  # the statistics are over these
        if training:
            mean = x.mean(axis=axes)
            var = x.var(axis=axes)  # biased (divides by N), as Keras, for normalising and for the moving average
            m = self.momentum
            self.moving_mean = (m * self.moving_mean + (1 - m) * mean).astype(self.moving_mean.dtype)
            self.moving_variance = (m * self.moving_variance + (1 - m) * var).astype(self.moving_variance.dtype)
        else:
            mean = self.moving_mean.astype(x.dtype, copy=False)
            var = self.moving_variance.astype(x.dtype, copy=False)
        mean, var = self._broadcast(mean, x.ndim), self._broadcast(var, x.ndim)
        inv_std = 1.0 / np.sqrt(var + np.asarray(self.epsilon, dtype=x.dtype))
        xhat = (x - mean) * inv_std
        self._cache = (xhat, inv_std, training, channel)
        return self._affine(xhat)

    def backward(self, dout):
        """``dout (batch, ..., C)`` → ``dx`` (same shape); fills ``grads['gamma']``, ``grads['beta']``."""
        xhat, inv_std, training, channel = self._cache
        dxhat = self._affine_backward(dout, xhat, channel)
        if not training:  # the statistics are constants: the layer is an affine map per channel
            return dxhat * inv_std
        return _normalize_backward(dxhat, xhat, inv_std, tuple(a for a in range(xhat.ndim) if a not in channel))

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum}


class LayerNormalization(_Normalization):
    """Layer normalisation (Ba et al. 2016) over the ``axis`` axes of each sample (Keras' default: the last).

    Shapes: ``x (batch, ..., features)`` → same shape; ``gamma (features,)``, ``beta (features,)``;
    with ``axis=[1, 2]`` on ``(batch, T, F)`` the statistics are over each sample's ``T * F`` entries
    and ``gamma``, ``beta`` are ``(T, F)``. Statistics come from one sample (one time step) alone, so
    training and inference behave the same, whatever the batch size — what Transformers need.

    Parameters
    ----------
    axis : int or list of int
        The axes to normalise over (and to learn one ``gamma``/``beta`` entry per position of).
    epsilon : float
        Added to the variance before the square root.
    center, scale : bool
        Whether to learn ``beta`` and ``gamma`` (without them, fewer weights, as in Keras).
    beta_initializer, gamma_initializer : str or callable
        Keras' defaults ``"zeros"`` and ``"ones"``.
    beta_regularizer, gamma_regularizer : Regularizer or str, optional
        Penalties on ``beta`` and ``gamma``.
    """

    def __init__(self, axis=-1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 input_shape=None, name: str | None = None):
        axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, input_shape=input_shape, name=name)

    def forward(self, x, training=False):
        """``x (batch, ..., features)`` → same shape."""
        x = self._prepare(x, min_ndim=2)
        axes = self._feature_axes(x.ndim)
        mean = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True)
        inv_std = 1.0 / np.sqrt(var + np.asarray(self.epsilon, dtype=x.dtype))
        xhat = (x - mean) * inv_std
        self._cache = (xhat, inv_std, axes)
        return self._affine(xhat)

    def backward(self, dout):
        """``dout (batch, ..., features)`` → ``dx`` (same shape); fills ``grads['gamma']``, ``grads['beta']``."""
        xhat, inv_std, axes = self._cache
        dxhat = self._affine_backward(dout, xhat, axes)
        return _normalize_backward(dxhat, xhat, inv_std, axes)
