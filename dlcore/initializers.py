"""Weight initializers (Keras names). Each takes a shape and returns a new array.

``fan_in``/``fan_out`` follow Keras: for a kernel of shape ``(..., in, out)`` the receptive
field (the leading dimensions, e.g. ``kh * kw`` for a convolution) multiplies both.
"""

from __future__ import annotations

import numpy as np

from .random import get_rng


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) < 2:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def glorot_uniform(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """Uniform on ``[-l, l]`` with ``l = sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio 2010); Keras' default."""
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return get_rng().uniform(-limit, limit, size=shape).astype(dtype)


def he_normal(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """Normal with std ``sqrt(2 / fan_in)`` (He et al. 2015), suited to ReLU layers."""
    fan_in, _ = _fans(shape)
    return (get_rng().standard_normal(size=shape) * np.sqrt(2.0 / fan_in)).astype(dtype)


def orthogonal(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """A (semi-)orthogonal matrix of shape ``(rows, cols)``; Keras' default recurrent kernel."""
    rows, cols = shape
    a = get_rng().standard_normal(size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))  # make the decomposition unique
    return np.ascontiguousarray(q if rows >= cols else q.T, dtype=dtype)


def zeros(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """All zeros (biases, ``beta``)."""
    return np.zeros(shape, dtype=dtype)


def ones(shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """All ones (``gamma``)."""
    return np.ones(shape, dtype=dtype)


_TABLE = {f.__name__: f for f in (glorot_uniform, he_normal, orthogonal, zeros, ones)}


def get(name):
    """Return the initializer called ``name``, or ``name`` itself if it is callable."""
    if callable(name):
        return name
    if name not in _TABLE:
        raise ValueError(f"unknown initializer {name!r}; expected one of {sorted(_TABLE)} or a callable")
    return _TABLE[name]
