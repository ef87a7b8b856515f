"""Weight penalties added to the loss: L1, L2 and both (Keras names and factors).

``L2(l2)`` adds ``l2 * sum(w**2)`` (no 1/2, as in Keras) so its gradient is ``2 * l2 * w``.
"""

from __future__ import annotations

import numpy as np


class Regularizer:
    """Base class: ``penalty(w)`` is added to the loss, ``gradient(w)`` to ``dL/dw``."""

    def penalty(self, w: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, w: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, w: np.ndarray) -> float:
        return self.penalty(w)


class L1L2(Regularizer):
    """``l1 * sum(|w|) + l2 * sum(w**2)``.

    Parameters
    ----------
    l1, l2 : float
        Non-negative factors.
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        for label, v in (("l1", l1), ("l2", l2)):
            if not np.isfinite(v) or v < 0:
                raise ValueError(f"regularization factor {label} must be a finite number >= 0, got {v!r}")
        self.l1, self.l2 = float(l1), float(l2)

    def penalty(self, w: np.ndarray) -> float:
        return float(self.l1 * np.sum(np.abs(w)) + self.l2 * np.sum(w * w))

    def gradient(self, w: np.ndarray) -> np.ndarray:
        # sign(0) = 0: the subgradient of |w| we pick at the kink
        return self.l1 * np.sign(w) + 2 * self.l2 * w

    def __repr__(self) -> str:
        return f"L1L2(l1={self.l1}, l2={self.l2})"


class L1(L1L2):
    """``l1 * sum(|w|)``: pushes weights to exactly zero (sparse weights)."""

    def __init__(self, l1: float = 0.01):
        super().__init__(l1=l1)


class L2(L1L2):
    """``l2 * sum(w**2)``: weight decay, shrinks all weights towards zero."""

    def __init__(self, l2: float = 0.01):
        super().__init__(l2=l2)


def get(spec) -> Regularizer | None:
    """``None``, a :class:`Regularizer`, or a name ``'l1'``/``'l2'``/``'l1_l2'`` (default factor 0.01)."""
    if spec is None or isinstance(spec, Regularizer):
        return spec
    table = {"l1": L1, "l2": L2, "l1_l2": lambda: L1L2(0.01, 0.01)}
    if isinstance(spec, str) and spec.lower() in table:
        return table[spec.lower()]()
    raise ValueError(f"unknown regularizer {spec!r}; expected None, 'l1', 'l2', 'l1_l2' or an L1/L2/L1L2 object")
