"""Nadam (Dozat 2016): Adam with Nesterov momentum, exactly as ``keras.optimizers.Nadam``."""

from __future__ import annotations

import numpy as np

from .adam import Adam


class Nadam(Adam):
    """Adam whose momentum looks one step ahead, with Dozat's warming-up momentum schedule.

    At step ``t`` the momentum factor is ``u_t = b1 (1 - 0.5 * 0.96^t)``, rising towards ``b1``;
    ``P_t = u_1 u_2 … u_t``. With ``m``, ``v`` updated as in Adam:
    ``m_hat = u_{t+1} m / (1 - P_t u_{t+1}) + (1 - u_t) g / (1 - P_t)``, ``v_hat = v / (1 - b2^t)``,
    ``w -= lr m_hat / (sqrt(v_hat) + eps)``. (Here ``eps`` is added to the bias-corrected root.)

    Parameters
    ----------
    learning_rate : float
        Step size (Keras default 1e-3).
    beta_1, beta_2, epsilon : float
        As for :class:`Adam` (defaults 0.9, 0.999, 1e-7).
    **options
        ``weight_decay``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``: see :class:`Optimizer`.
    """

    def __init__(self, learning_rate: float = 1e-3, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, **options):
        super().__init__(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, **options)

    def _update(self, param, grad, state):
        m = state.setdefault("m", np.zeros_like(param))
        v = state.setdefault("v", np.zeros_like(param))
        t = state["t"] = state.get("t", 0) + 1
        u_t = self.beta_1 * (1 - 0.5 * 0.96**t)
        u_next = self.beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        product = state["u_product"] = state.get("u_product", 1.0) * u_t
        m += (1 - self.beta_1) * (grad - m)
        v += (1 - self.beta_2) * (grad * grad - v)
        m_hat = u_next * m / (1 - product * u_next) + (1 - u_t) * grad / (1 - product)
        v_hat = v / (1 - self.beta_2**t)
        param -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)
