"""Optimizers: SGD (with momentum / Nesterov), RMSprop and Adam, with Keras' names and defaults.

``apply_gradients(pairs)`` updates each parameter array **in place** (so the arrays in a
layer's ``params`` stay the same objects) and keeps per-parameter state (velocity, moments)
keyed by the array's identity.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


class Optimizer:
    """Base class: subclasses implement ``_update(param, grad, state)``.

    Parameters
    ----------
    learning_rate : float
        Step size.
    clipnorm : float, optional
        Rescale each gradient whose norm exceeds this value to that norm (Keras' ``clipnorm``).
    global_clipnorm : float, optional
        Rescale all gradients together when their joint norm exceeds this value, keeping their
        direction (Keras' ``global_clipnorm``): the usual cure for exploding gradients in RNNs.
    """

    def __init__(self, learning_rate: float, clipnorm: float | None = None, global_clipnorm: float | None = None):
        if not (isinstance(learning_rate, (int, float)) and np.isfinite(learning_rate) and learning_rate > 0):
            raise ValueError(f"{type(self).__name__}: learning_rate must be a positive number, got {learning_rate!r}")
        for label, value in (("clipnorm", clipnorm), ("global_clipnorm", global_clipnorm)):
            if value is not None and not (np.isfinite(value) and value > 0):
                raise ValueError(f"{type(self).__name__}: {label} must be a positive number or None, got {value!r}")
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError(f"{type(self).__name__}: give clipnorm or global_clipnorm, not both")
        self.learning_rate = float(learning_rate)
        self.clipnorm, self.global_clipnorm = clipnorm, global_clipnorm
        self.iterations = 0  # number of apply_gradients calls (Adam's t)
        self._state: dict[int, tuple[np.ndarray, dict]] = {}

    def apply_gradients(self, grads_and_params: Iterable[tuple[np.ndarray, np.ndarray]]) -> None:
        """Take one step: for every ``(grad, param)`` pair, update ``param`` in place."""
        self.iterations += 1
        pairs = self._clip(list(grads_and_params))
        for grad, param in pairs:
            if grad.shape != param.shape:
                raise ValueError(f"{type(self).__name__}: gradient shape {grad.shape} does not match "
                                 f"parameter shape {param.shape}")
            key = id(param)
            if key not in self._state or self._state[key][0] is not param:
                self._state[key] = (param, {})  # holding `param` keeps its id from being reused
            self._update(param, grad, self._state[key][1])

    def _clip(self, pairs: list) -> list:
        """Gradients rescaled per ``clipnorm``/``global_clipnorm`` (new arrays: the layers' grads stay as they are)."""
        if self.clipnorm is not None:
            return [(g * min(1.0, self.clipnorm / max(float(np.linalg.norm(g)), 1e-12)), p) for g, p in pairs]
        if self.global_clipnorm is not None:
            total = float(np.sqrt(sum(float(np.sum(g * g)) for g, _ in pairs)))
            scale = min(1.0, self.global_clipnorm / max(total, 1e-12))
            return [(g * scale, p) for g, p in pairs] if scale < 1.0 else pairs
        return pairs

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learning_rate={self.learning_rate})"


class SGD(Optimizer):
    """Stochastic gradient descent: ``w -= lr * g``.

    With ``momentum`` ``m``: ``v = m v - lr g``; ``w += v`` (Keras' form). With ``nesterov=True``:
    ``w += m v - lr g`` (the look-ahead step).

    Parameters
    ----------
    learning_rate : float
        Step size (Keras default 0.01).
    momentum : float
        In ``[0, 1)``; 0 is plain SGD.
    nesterov : bool
        Use Nesterov momentum.
    """

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False, **clipping):
        super().__init__(learning_rate, **clipping)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum!r}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def _update(self, param, grad, state):
        if self.momentum == 0.0:
            param -= self.learning_rate * grad
            return
        v = state.setdefault("velocity", np.zeros_like(param))
        v *= self.momentum
        v -= self.learning_rate * grad
        if self.nesterov:
            param += self.momentum * v - self.learning_rate * grad
        else:
            param += v


class RMSprop(Optimizer):
    """``s = rho s + (1 - rho) g^2``; ``w -= lr g / (sqrt(s) + eps)`` (Keras defaults lr 1e-3, rho 0.9, eps 1e-7)."""

    def __init__(self, learning_rate: float = 1e-3, rho: float = 0.9, epsilon: float = 1e-7, **clipping):
        super().__init__(learning_rate, **clipping)
        if not 0.0 <= rho < 1.0:
            raise ValueError(f"RMSprop: rho must be in [0, 1), got {rho!r}")
        self.rho, self.epsilon = float(rho), float(epsilon)

    def _update(self, param, grad, state):
        s = state.setdefault("mean_square", np.zeros_like(param))
        s *= self.rho
        s += (1 - self.rho) * grad * grad
        param -= self.learning_rate * grad / (np.sqrt(s) + self.epsilon)


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): bias-corrected first and second moments.

    ``m = b1 m + (1 - b1) g``; ``v = b2 v + (1 - b2) g^2``;
    ``w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)``, Keras defaults.
    """

    def __init__(self, learning_rate: float = 1e-3, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, **clipping):
        super().__init__(learning_rate, **clipping)
        for label, b in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0.0 <= b < 1.0:
                raise ValueError(f"Adam: {label} must be in [0, 1), got {b!r}")
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)

    def _update(self, param, grad, state):
        m = state.setdefault("m", np.zeros_like(param))
        v = state.setdefault("v", np.zeros_like(param))
        t = state["t"] = state.get("t", 0) + 1  # per parameter, so a late-joining array starts at t = 1
        m *= self.beta_1
        m += (1 - self.beta_1) * grad
        v *= self.beta_2
        v += (1 - self.beta_2) * grad * grad
        step = self.learning_rate * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        param -= step * m / (np.sqrt(v) + self.epsilon * np.sqrt(1 - self.beta_2**t))


_TABLE = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam}


def get(name) -> Optimizer:
    """Return a new optimizer with default settings by name (``'sgd'``, ``'rmsprop'``, ``'adam'``),
    or ``name`` itself if it is already an :class:`Optimizer`."""
    if isinstance(name, Optimizer):
        return name
    if isinstance(name, str) and name.lower() in _TABLE:
        return _TABLE[name.lower()]()
    raise ValueError(f"unknown optimizer {name!r}; expected one of {sorted(_TABLE)} or a dlcore.optimizers object")
