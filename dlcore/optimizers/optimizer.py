"""The optimizer base class: gradient clipping, decoupled weight decay and per-parameter state.

``apply_gradients(pairs)`` updates each parameter array **in place** (so the arrays in a layer's
``params`` stay the same objects) and keeps per-parameter state (velocity, moments) keyed by
the array's identity. The order of work in one step is Keras 3's: clip the gradients, decay the
weights, then let the subclass's ``_update`` take the step.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..metrics.base import snake_case  # Keras' to_snake_case, for the default name


def _check_positive(owner: str, label: str, value, allow_none: bool = True) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not np.isfinite(value) or value <= 0:
        expected = "a positive number or None" if allow_none else "a positive number"
        raise ValueError(f"{owner}: {label} must be {expected}, got {value!r}")
    return float(value)


def check_unit_interval(owner: str, label: str, value) -> float:
    """``value`` as a float if it lies in ``[0, 1)`` (a decay rate such as ``beta_1``), else ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not 0.0 <= value < 1.0:
        raise ValueError(f"{owner}: {label} must be in [0, 1), got {value!r}")
    return float(value)


class Optimizer:
    """Base class: subclasses implement ``_update(param, grad, state)``.

    Parameters
    ----------
    learning_rate : float
        Step size. An attribute you may reassign between steps (as ``ReduceLROnPlateau`` does).
    weight_decay : float, optional
        Decoupled weight decay (Keras 3): before each update ``w -= learning_rate * weight_decay * w``.
        Unlike an L2 penalty it is not divided by Adam's ``sqrt(v)``.
    clipnorm : float, optional
        Rescale each gradient whose norm exceeds this value to that norm.
    clipvalue : float, optional
        Clip every gradient element into ``[-clipvalue, clipvalue]``.
    global_clipnorm : float, optional
        Rescale all gradients together when their joint norm exceeds this value, keeping their
        direction: the usual cure for exploding gradients in RNNs.
    name : str, optional
        Defaults to the class name in snake case as in Keras (``"adam"``, ``"rm_sprop"``).

    Only one of ``clipnorm``, ``clipvalue`` and ``global_clipnorm`` may be given (as in Keras).
    """

    def __init__(self, learning_rate: float, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, name: str | None = None):
        self.name = name or snake_case(type(self).__name__)  # as Keras: "sgd", "adam", "rm_sprop", "adam_w"
        name = type(self).__name__
        self.learning_rate = learning_rate
        self.weight_decay = None if weight_decay is None else _nonnegative(name, weight_decay)
        self.clipnorm = _check_positive(name, "clipnorm", clipnorm)
        self.clipvalue = _check_positive(name, "clipvalue", clipvalue)
        self.global_clipnorm = _check_positive(name, "global_clipnorm", global_clipnorm)
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(f"{name}: give only one of clipnorm, clipvalue and global_clipnorm, not both or all")
        self.iterations = 0  # number of apply_gradients calls
        self._state: dict[int, tuple[np.ndarray, dict]] = {}

    @property
    def learning_rate(self) -> float:
        """The step size; assignable (checked to be a positive number)."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self._learning_rate = _check_positive(type(self).__name__, "learning_rate", value, allow_none=False)

    def apply_gradients(self, grads_and_params: Iterable[tuple[np.ndarray, np.ndarray]]) -> None:
        """Take one step: for every ``(grad, param)`` pair, update ``param`` in place.

        Parameters
        ----------
        grads_and_params : iterable of (ndarray, ndarray)
            Each gradient has the shape of its parameter.
        """
        self.iterations += 1
        pairs = self._clip(list(grads_and_params))
        for grad, param in pairs:
            if grad.shape != param.shape:
                raise ValueError(f"{type(self).__name__}: gradient shape {grad.shape} does not match "
                                 f"parameter shape {param.shape}")
            key = id(param)
            if key not in self._state or self._state[key][0] is not param:
                self._state[key] = (param, {})  # holding `param` keeps its id from being reused
            if self.weight_decay:
                param *= 1 - self.learning_rate * self.weight_decay  # Keras 3's torch backend, same order
            self._update(param, grad, self._state[key][1])

    def _clip(self, pairs: list) -> list:
        """Gradients clipped per ``clipnorm``/``clipvalue``/``global_clipnorm``.

        New arrays are returned: the layers' own gradient arrays stay as they are.
        """
        if self.clipnorm is not None:
            return [(g * (self.clipnorm / max(float(np.linalg.norm(g)), self.clipnorm)), p) for g, p in pairs]
        if self.clipvalue is not None:
            return [(np.clip(g, -self.clipvalue, self.clipvalue), p) for g, p in pairs]
        if self.global_clipnorm is not None:
            total = float(np.sqrt(sum(float(np.sum(g * g)) for g, _ in pairs)))
            scale = self.global_clipnorm / max(total, self.global_clipnorm)
            return [(g * scale, p) for g, p in pairs] if scale < 1.0 else pairs
        return pairs

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learning_rate={self.learning_rate:g})"


def _nonnegative(owner: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not np.isfinite(value) or value < 0:
        raise ValueError(f"{owner}: weight_decay must be a number >= 0 or None, got {value!r}")
    return float(value)
