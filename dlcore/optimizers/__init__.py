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


def get(name) -> Optimizer:
    """A new optimizer with Keras' default settings by name, or ``name`` itself if it is an :class:`Optimizer`.

    Parameters
    ----------
    name : str or Optimizer
        ``'sgd'``, ``'rmsprop'``, ``'adam'``, ``'adamw'``, ``'adagrad'`` or ``'nadam'`` (any case).

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.
    """
    if isinstance(name, Optimizer):
        return name
    if isinstance(name, str) and name.lower() in _TABLE:
        return _TABLE[name.lower()]()
    raise ValueError(f"unknown optimizer {name!r}; expected one of {sorted(_TABLE)} or a dlcore.optimizers object")


__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Nadam", "Optimizer", "RMSprop", "get"]
