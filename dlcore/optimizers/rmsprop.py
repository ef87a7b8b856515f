"""RMSprop (Tieleman & Hinton 2012) exactly as ``keras.optimizers.RMSprop``: epsilon inside the root."""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, check_unit_interval


class RMSprop(Optimizer):
    """Divide each gradient by a running root-mean-square of its recent values.

    ``s = rho s + (1 - rho) g^2``; step ``lr g / sqrt(s + eps)``. Keras adds ``eps`` *inside* the
    square root (PyTorch adds it outside, to ``sqrt(s)``). With ``centered=True`` the running mean
    ``a = rho a + (1 - rho) g`` is subtracted: ``sqrt(s - a^2 + eps)``, a running variance. With
    ``momentum`` ``mu``: ``b = mu b + step``; ``w -= b``; otherwise ``w -= step``.

    Parameters
    ----------
    learning_rate : float
        Step size (Keras default 1e-3).
    rho : float
        Decay of the running mean square, in ``[0, 1)`` (default 0.9).
    momentum : float
        In ``[0, 1)``; 0 (default) means no momentum.
    epsilon : float
        Added to the mean square before the root (default 1e-7).
    centered : bool
        Normalise by the running variance instead of the running mean square.
    **options
        ``weight_decay``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``: see :class:`Optimizer`.
    """

    def __init__(self, learning_rate: float = 1e-3, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-7, centered: bool = False, **options):
        super().__init__(learning_rate, **options)
        self.rho = check_unit_interval("RMSprop", "rho", rho)
        self.momentum = check_unit_interval("RMSprop", "momentum", momentum)
        self.epsilon, self.centered = float(epsilon), bool(centered)

    def _update(self, param, grad, state):
        s = state.setdefault("mean_square", np.zeros_like(param))
        s *= self.rho
        s += (1 - self.rho) * grad * grad
        if self.centered:
            a = state.setdefault("mean", np.zeros_like(param))
            a *= self.rho
            a += (1 - self.rho) * grad
            denominator = s - a * a + self.epsilon
        else:
            denominator = s + self.epsilon
        step = self.learning_rate * grad / np.sqrt(denominator)
        if self.momentum > 0:
            b = state.setdefault("momentum", np.zeros_like(param))
            b *= self.momentum
            b += step
            step = b
        param -= step
