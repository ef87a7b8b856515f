"""The loss of a model with several outputs: one loss per output, added up with their weights (Keras 3).

``compile(loss=..., loss_weights=...)`` for outputs named ``y1`` and ``y2`` accepts::

    loss="mse"                                   # the same loss for every output
    loss=["mse", "binary_crossentropy"]          # one per output, in order (None: no loss for that output)
    loss={"y1": "mse", "y2": "binary_crossentropy"}
    loss_weights=[1.0, 0.5]  or  {"y1": 1.0, "y2": 0.5}

The model minimises ``sum(weight_i * loss_i)`` (plus the regularization penalties); ``fit`` and
``evaluate`` also log each output's *unweighted* loss as ``<output name>_loss``.
"""

from __future__ import annotations

import numpy as np

from .. import losses
from ..losses.base import check_reduces


class CompileLoss:
    """Per-output losses and weights of a multi-output model.

    Parameters
    ----------
    loss : str, Loss, list or dict
        One loss for all outputs, a list with one per output, or a dict ``{output name: loss}``.
    loss_weights : None, list or dict
        One weight per output (default 1 each), as a list in output order or a dict by output name.
    output_names : list of str
        The model's output names, in order.
    """

    def __init__(self, loss, loss_weights, output_names: list[str]):
        self.output_names = list(output_names)
        specs = _per_output(loss, output_names, "loss")
        self.losses = [None if spec is None else check_reduces(losses.get(spec)) for spec in specs]
        if all(fn is None for fn in self.losses):
            raise ValueError(f"loss: every output's loss is None; give at least one of {output_names} a loss")
        weights = [1.0] * len(output_names) if loss_weights is None else _per_output(
            loss_weights, output_names, "loss_weights", allow_single=False)
        self.weights = [1.0 if w is None else float(w) for w in weights]
        self.spec, self.weights_spec = loss, loss_weights  # as given, for saving

    @property
    def log_names(self) -> list[str]:
        """``<output>_loss`` for each output that has a loss (Keras logs them only if there are several)."""
        named = [f"{name}_loss" for name, fn in zip(self.output_names, self.losses) if fn is not None]
        return named if len(named) > 1 else []

    def __call__(self, ys: list, outs: list, weights: list) -> tuple[float, dict[str, float]]:
        """The weighted total and ``{"<output>_loss": unweighted loss}`` on one batch.

        ``weights`` holds each output's sample weights (already multiplied by its padding mask), or None.
        """
        return self.combine(lambda i, fn: fn(ys[i], outs[i], sample_weight=weights[i]))

    def combine(self, loss_of) -> tuple[float, dict[str, float]]:
        """``sum(weight_i * loss_i)`` and the logged unweighted losses, where ``loss_of(i, loss_fn)`` computes
        output ``i``'s loss (on a batch, or on a whole data set for ``evaluate``)."""
        total, logged = 0.0, {}
        for i, (name, fn, weight) in enumerate(zip(self.output_names, self.losses, self.weights)):
            if fn is not None:
                logged[f"{name}_loss"] = value = loss_of(i, fn)
                total += weight * value
        return total, (logged if len(logged) > 1 else {})

    def gradients(self, ys: list, outs: list, weights: list) -> list[np.ndarray]:
        """``d(total)/d(output)`` for every output (zeros for an output without a loss)."""
        return [np.zeros_like(out) if fn is None else w * fn.gradient(y, out, sample_weight=sw)
                for fn, w, y, out, sw in zip(self.losses, self.weights, ys, outs, weights)]


def _per_output(value, names: list[str], label: str, allow_single: bool = True) -> list:
    """``value`` (one for all, a list in output order, or a dict by output name) as a list, one per output."""
    if isinstance(value, dict):
        unknown = [key for key in value if key not in names]
        missing = [name for name in names if name not in value]
        if unknown or missing:
            raise ValueError(f"{label}: the keys must be the model's output names {names}; got unknown {unknown} "
                             f"and missing {missing} (use None for an output without a loss)")
        return [value[name] for name in names]
    if isinstance(value, (list, tuple)):
        if len(value) != len(names):
            raise ValueError(f"{label}: the model has {len(names)} outputs {names}, so give one entry per output "
                             f"(a list of {len(names)}), got {len(value)}")
        return list(value)
    if not allow_single:
        raise ValueError(f"{label}: the model has {len(names)} outputs {names}; give a list or a dict "
                         f"with one weight per output, got {value!r}")
    return [value] * len(names)
