"""Adagrad (Duchi et al. 2011) exactly as ``keras.optimizers.Adagrad``."""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer


class Adagrad(Optimizer):
    """Divide each gradient by the root of the *sum* of all its past squares.

    ``a = a + g^2`` (``a`` starts at ``initial_accumulator_value``); ``w -= lr g / sqrt(a + eps)``.
    Steps only shrink, so Adagrad suits sparse features and convex problems more than long
    network training.

    Parameters
    ----------
    learning_rate : float
        Step size (Keras default 1e-3).
    initial_accumulator_value : float
        Starting value of the sum of squares, >= 0 (Keras default 0.1; PyTorch's is 0).
    epsilon : float
        Added inside the root (default 1e-7).
    **options
        ``weight_decay``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``: see :class:`Optimizer`.
    """

    def __init__(self, learning_rate: float = 1e-3, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7, **options):
        super().__init__(learning_rate, **options)
        if not (np.isfinite(initial_accumulator_value) and initial_accumulator_value >= 0):
            raise ValueError("Adagrad: initial_accumulator_value must be a number >= 0, "
                             f"got {initial_accumulator_value!r}")
        self.initial_accumulator_value, self.epsilon = float(initial_accumulator_value), float(epsilon)

    def _update(self, param, grad, state):
        if "sum_squares" not in state:
            state["sum_squares"] = np.full_like(param, self.initial_accumulator_value)
        a = state["sum_squares"]
        a += grad * grad
        param -= self.learning_rate * grad / np.sqrt(a + self.epsilon)
