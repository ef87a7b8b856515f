"""Optimizers with Keras 3's names, defaults and formulas: SGD, RMSprop, Adam, AdamW, Adagrad, Nadam.

Every optimizer takes ``weight_decay``, ``clipnorm``, ``clipvalue`` and ``global_clipnorm`` (see
:class:`Optimizer`) and updates the parameters in place with ``apply_gradients(pairs)``.
"""

from __future__ import annotations

from .adagrad import Adagrad
from .adam import Adam, AdamW
from .nadam import Nadam
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

_TABLE = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "adamw": AdamW, "adagrad": Adagrad, "nadam": Nadam}


def get(identifier) -> Optimizer:
    """A new optimizer with Keras' default settings by name, or ``identifier`` itself if it is an :class:`Optimizer`.

    Parameters
    ----------
    identifier : str or Optimizer
        ``'sgd'``, ``'rmsprop'``, ``'adam'``, ``'adamw'``, ``'adagrad'`` or ``'nadam'`` (any case).

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _TABLE:
        return _TABLE[identifier.lower()]()
    raise ValueError(f"unknown optimizer {identifier!r}; expected one of {sorted(_TABLE)} "
                     "or a dlcore.optimizers object")


__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Nadam", "Optimizer", "RMSprop", "get"]
