"""The per-epoch progress lines ``fit`` prints (``History`` itself lives in :mod:`dlcore.callbacks`)."""

from __future__ import annotations

import math

from ..callbacks import History

__all__ = ["History", "format_logs", "should_print"]


def format_logs(logs: dict[str, float]) -> str:
    """``'loss: 0.6931 - accuracy: 0.5000'`` (4 decimals, scientific for tiny values)."""
    return " - ".join(f"{k}: {v:.4f}" if abs(v) >= 1e-3 or v == 0 else f"{k}: {v:.3e}" for k, v in logs.items())


def should_print(epoch: int, epochs: int, verbose: int) -> bool:
    """verbose=2: every epoch; verbose=1: every epoch up to 20 epochs, else about 10 lines
    (so a 3000-epoch fit does not flood a notebook); verbose=0: never."""
    if verbose <= 0:
        return False
    if verbose >= 2 or epochs <= 20:
        return True
    every = math.ceil(epochs / 10)
    return epoch == 0 or (epoch + 1) % every == 0 or epoch == epochs - 1
