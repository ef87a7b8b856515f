"""Adam (Kingma & Ba 2015) and AdamW, exactly as ``keras.optimizers.Adam`` / ``AdamW``."""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, check_unit_interval


class Adam(Optimizer):
    """Adam: momentum on the gradient, divided by the running root mean square, both bias-corrected.

    ``m = b1 m + (1 - b1) g``; ``v = b2 v + (1 - b2) g^2``; with the step number ``t``
    (1, 2, …), ``lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t)`` and ``w -= lr_t * m / (sqrt(v) + eps)``.

    This is the efficient form at the end of Kingma & Ba's section 2, which Keras uses: ``eps``
    (their ε̂) is added to ``sqrt(v)``, *not* to the bias-corrected ``sqrt(v / (1 - b2^t))`` of the
    textbook update. The two agree except when ``sqrt(v)`` is as small as ``eps``; PyTorch uses
    the textbook form.

    Parameters
    ----------
    learning_rate : float
        Step size (Keras default 1e-3).
    beta_1, beta_2 : float
        Decay rates of the two moving averages, in ``[0, 1)`` (defaults 0.9, 0.999).
    epsilon : float
        Added to ``sqrt(v)`` (default 1e-7).
    amsgrad : bool
        Divide by the running maximum of ``v`` instead of ``v`` (Reddi et al. 2018).
    **options
        ``weight_decay``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``: see :class:`Optimizer`.
    """

    def __init__(self, learning_rate: float = 1e-3, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, **options):
        super().__init__(learning_rate, **options)
        name = type(self).__name__
        self.beta_1 = check_unit_interval(name, "beta_1", beta_1)
        self.beta_2 = check_unit_interval(name, "beta_2", beta_2)
        self.epsilon, self.amsgrad = float(epsilon), bool(amsgrad)

    def _update(self, param, grad, state):
        m = state.setdefault("m", np.zeros_like(param))
        v = state.setdefault("v", np.zeros_like(param))
        t = state["t"] = state.get("t", 0) + 1  # per parameter, so a late-joining array starts at t = 1
        m += (1 - self.beta_1) * (grad - m)
        v += (1 - self.beta_2) * (grad * grad - v)
        if self.amsgrad:
            v_max = state.setdefault("v_max", np.zeros_like(param))
            np.maximum(v_max, v, out=v_max)
            v = v_max
        lr_t = self.learning_rate * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        param -= lr_t * m / (np.sqrt(v) + self.epsilon)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019): ``w -= lr * weight_decay * w`` first.

    Same as ``Adam(weight_decay=...)``; only the default differs (Keras: 0.004).

    Parameters
    ----------
    learning_rate : float
        Step size (default 1e-3).
    weight_decay : float
        Decay per step, multiplied by the learning rate (default 0.004).
    **adam_options
        ``beta_1``, ``beta_2``, ``epsilon``, ``amsgrad`` and the clipping options of :class:`Adam`.
    """

    def __init__(self, learning_rate: float = 1e-3, weight_decay: float = 0.004, **adam_options):
        if weight_decay is None:
            raise ValueError("AdamW: weight_decay must be a number >= 0, got None; use Adam for no decay")
        super().__init__(learning_rate, weight_decay=weight_decay, **adam_options)
