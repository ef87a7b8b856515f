"""The per-epoch progress lines ``fit`` prints (``History`` itself lives in :mod:`dlcore.callbacks`)."""

from __future__ import annotations

import math

import numpy as np

from ..callbacks import History

__all__ = ["History", "format_logs", "should_print"]


def format_logs(logs: dict) -> str:
    """``'loss: 0.6931 - accuracy: 0.5000'`` (4 decimals, scientific for tiny values; a metric with
    several thresholds shows its values in brackets)."""
    return " - ".join(f"{k}: {_number(v)}" if np.ndim(v) == 0 else f"{k}: [{' '.join(map(_number, np.ravel(v)))}]"
                      for k, v in logs.items())


def _number(v: float) -> str:
    return f"{v:.4f}" if abs(v) >= 1e-3 or v == 0 else f"{v:.3e}"


def should_print(epoch: int, epochs: int, verbose: int) -> bool:
    """verbose=2: every epoch; verbose=1: every epoch up to 20 epochs, else about 10 lines
    (so a 3000-epoch fit does not flood a notebook); verbose=0: never."""
    if verbose <= 0:
        return False
    if verbose >= 2 or epochs <= 20:
        return True
    every = math.ceil(epochs / 10)
    return epoch == 0 or (epoch + 1) % every == 0 or epoch == epochs - 1
