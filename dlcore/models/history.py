"""``History`` (what ``fit`` returns) and the per-epoch progress lines ``fit`` prints."""

from __future__ import annotations

import math


class History:
    """Per-epoch record of a ``fit`` call, as in Keras.

    Attributes
    ----------
    history : dict[str, list[float]]
        ``{"loss": [...], "accuracy": [...], "val_loss": [...], ...}``, one value per epoch.
    epoch : list[int]
        Epoch indices (0-based).
    params : dict
        ``epochs``, ``batch_size``, ``steps`` (updates per epoch).
    """

    def __init__(self, params: dict):
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.params = params

    def append(self, epoch: int, logs: dict[str, float]) -> None:
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))

    def __repr__(self) -> str:
        last = {k: round(v[-1], 4) for k, v in self.history.items() if v}
        return f"<History epochs={len(self.epoch)} last={last}>"


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
