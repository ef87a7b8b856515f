"""Stochastic gradient descent with optional (Nesterov) momentum, as ``keras.optimizers.SGD``."""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, check_unit_interval


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
    **options
        ``weight_decay``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``: see :class:`Optimizer`.
    """

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False, **options):
        super().__init__(learning_rate, **options)
        self.momentum = check_unit_interval("SGD", "momentum", momentum)
        self.nesterov = bool(nesterov)

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
