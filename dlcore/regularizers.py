"""Weight penalties added to the loss: L1, L2 and both, with Keras 3's names, defaults and factors.

``L2(l2)`` adds ``l2 * sum(w**2)`` (no 1/2, as in Keras) so its gradient is ``2 * l2 * w``.
As in Keras, the lower-case names are the same classes: ``l2(0.01)`` is ``L2(0.01)``, and
``l1_l2(l1=..., l2=...)`` is ``L1L2`` (both factors default to 0 there, to 0.01 in ``L1``/``L2``).
"""

from __future__ import annotations

import numpy as np


class Regularizer:
    """Base class: ``penalty(w)`` is added to the loss, ``gradient(w)`` to ``dL/dw``."""

    def penalty(self, w: np.ndarray) -> float:
        """The number added to the loss for weights ``w``."""
        raise NotImplementedError

    def gradient(self, w: np.ndarray) -> np.ndarray:
        """``d penalty / d w``, same shape as ``w``."""
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
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) \
                    or not np.isfinite(v) or v < 0:
                raise ValueError(f"regularization factor {label} must be a finite number >= 0, got {v!r}")
        self.l1, self.l2 = float(l1), float(l2)

    def penalty(self, w: np.ndarray) -> float:
        return float(self.l1 * np.sum(np.abs(w)) + self.l2 * np.sum(w * w))

    def gradient(self, w: np.ndarray) -> np.ndarray:
        # sign(0) = 0: the subgradient of |w| we pick at the kink
        return self.l1 * np.sign(w) + 2 * self.l2 * w

    def __repr__(self) -> str:
        return f"{type(self).__name__}(l1={self.l1:g}, l2={self.l2:g})"


class L1(L1L2):
    """``l1 * sum(|w|)``: pushes weights to exactly zero (sparse weights)."""

    def __init__(self, l1: float = 0.01):
        super().__init__(l1=l1)

    def __repr__(self) -> str:
        return f"L1(l1={self.l1:g})"


class L2(L1L2):
    """``l2 * sum(w**2)``: weight decay, shrinks all weights towards zero."""

    def __init__(self, l2: float = 0.01):
        super().__init__(l2=l2)

    def __repr__(self) -> str:
        return f"L2(l2={self.l2:g})"


l1, l2, l1_l2 = L1, L2, L1L2  # Keras' lower-case names for the same classes
_TABLE = {"l1": L1, "l2": L2, "l1_l2": L1L2, "L1": L1, "L2": L2, "L1L2": L1L2}


def get(identifier) -> Regularizer | None:
    """``None``, a :class:`Regularizer`, or a Keras name: ``'l1'``/``'L1'``, ``'l2'``/``'L2'``, ``'l1_l2'``/``'L1L2'``.

    A name gives that class with its defaults, as in Keras: 0.01 for ``L1`` and ``L2``, 0 and 0
    for ``L1L2`` (a penalty of zero; construct ``L1L2(l1=..., l2=...)`` to choose the factors).

    Raises
    ------
    ValueError
        If ``identifier`` is none of these; the message lists the names.
    """
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str) and identifier in _TABLE:
        return _TABLE[identifier]()
    raise ValueError(f"unknown regularizer {identifier!r}; expected None, one of {sorted(_TABLE)} "
                     "or an L1/L2/L1L2 object")
