"""``Bidirectional``: read a sequence both ways with two recurrent layers and merge what they see.

The forward layer reads ``x_1 .. x_T``; a copy of it reads ``x_T .. x_1``. With
``return_sequences`` the backward layer's outputs are put back in time order, so step ``t`` of
the result sees the past (forward layer) and the future (backward layer) of ``x_t``.
"""

from __future__ import annotations

import copy

import numpy as np

from .base import Layer
from .recurrent import Recurrent

MERGE_MODES = ("concat", "sum", "mul", "ave")


class Bidirectional(Layer):
    """Bidirectional wrapper around ``SimpleRNN``, ``LSTM`` or ``GRU``.

    Shapes: ``x (batch, T, features)`` → ``(batch, 2 units)`` with ``"concat"`` (``(batch, units)``
    otherwise), or ``(batch, T, 2 units)`` with ``return_sequences=True`` on the wrapped layer.
    ``params`` holds both layers' weights as ``forward_kernel``, ..., ``backward_kernel``, ...
    (Keras' order: the forward layer's weights, then the backward layer's).

    Parameters
    ----------
    layer : Recurrent
        The forward layer; unbuilt (its weights are created from the first input).
    merge_mode : {"concat", "sum", "mul", "ave"}
        How the two outputs are combined (Keras' default ``"concat"``, forward first).
    backward_layer : Recurrent, optional
        The layer reading backwards; by default a copy of ``layer`` with fresh weights.
    """

    supports_masking = True  # passes a padding mask on (Keras)

    def __init__(self, layer: Recurrent, merge_mode: str = "concat", backward_layer: Recurrent | None = None,
                 input_shape=None, name: str | None = None):
        for what, lay in (("layer", layer), ("backward_layer", backward_layer)):
            if lay is not None and (not isinstance(lay, Recurrent) or lay.built or lay.return_state):
                raise ValueError(f"Bidirectional: {what} must be an unbuilt SimpleRNN, LSTM or GRU without "
                                 f"return_state, got {lay!r}")
        if merge_mode not in MERGE_MODES:
            raise ValueError(f"Bidirectional: merge_mode must be one of {MERGE_MODES}, got {merge_mode!r}")
        super().__init__(input_shape=input_shape, name=name)
        self.layer = self.forward_layer = layer  # Keras' wrappers call it .layer (saving reads it there too)
        self.backward_layer = copy.deepcopy(layer) if backward_layer is None else backward_layer
        if backward_layer is None:
            self.backward_layer.name = f"backward_{layer.name}"
        if self.backward_layer.return_sequences != layer.return_sequences:
            raise ValueError("Bidirectional: layer and backward_layer need the same return_sequences")
        self.merge_mode = merge_mode
        for lay in (self.forward_layer, self.backward_layer):  # as Keras: padded steps output zeros
            lay.zero_output_for_mask = lay.return_sequences

    def _pairs(self):
        return (("forward", self.forward_layer), ("backward", self.backward_layer))

    def build(self, input_shape, dtype=np.float32):
        for prefix, lay in self._pairs():
            lay.build(input_shape, dtype=dtype)
            self.params.update({f"{prefix}_{k}": p for k, p in lay.params.items()})
        self.built = True

    def _share_weights(self) -> None:
        """Hand ``params`` (which the optimizer updates) to the two layers: their weights are read from here."""
        for prefix, lay in self._pairs():
            lay.params.update({k: self.params[f"{prefix}_{k}"] for k in lay.params})

    def regularization_loss(self) -> float:
        """The two layers' weight penalties (``kernel_regularizer`` ... of the wrapped layer), as Keras."""
        if not self.built:
            return 0.0
        self._share_weights()
        return float(sum(lay.regularization_loss() for _, lay in self._pairs()))

    def compute_output_shape(self, input_shape):
        fwd = self.forward_layer.compute_output_shape(input_shape)
        units = fwd[-1] + self.backward_layer.units if self.merge_mode == "concat" else fwd[-1]
        return (*fwd[:-1], units)

    def forward(self, x, training=False, mask=None):
        """``x (batch, T, features)`` → merged outputs; ``mask (batch, T)`` is passed to both layers."""
        x = self._prepare(x, ndim=3)
        self._share_weights()
        y_f = self.forward_layer.forward(x, training=training, mask=mask)
        rev_mask = None if mask is None else np.asarray(mask)[:, ::-1]
        y_b = self.backward_layer.forward(x[:, ::-1], training=training, mask=rev_mask)
        if self.backward_layer.return_sequences:
            y_b = y_b[:, ::-1]  # back in time order
        self._outputs = (y_f, y_b)
        if self.merge_mode == "concat":
            return np.concatenate([y_f, y_b], axis=-1)
        return {"sum": y_f + y_b, "mul": y_f * y_b, "ave": (y_f + y_b) / 2}[self.merge_mode]

    def backward(self, dout):
        """``dout`` shaped like the merged output → ``dx (batch, T, features)``; fills ``grads``."""
        y_f, y_b = self._outputs
        dout = np.asarray(dout, dtype=y_f.dtype)
        if self.merge_mode == "concat":
            d_f, d_b = dout[..., :y_f.shape[-1]], dout[..., y_f.shape[-1]:]
        else:
            halves = (dout / 2, dout / 2)
            d_f, d_b = {"sum": (dout, dout), "mul": (dout * y_b, dout * y_f), "ave": halves}[self.merge_mode]
        if self.backward_layer.return_sequences:
            d_b = d_b[:, ::-1]
        dx = self.forward_layer.backward(d_f) + self.backward_layer.backward(d_b)[:, ::-1]
        for prefix, lay in self._pairs():
            self.grads.update({f"{prefix}_{k}": g for k, g in lay.grads.items()})
        return dx

    def compute_mask(self, inputs, mask=None):
        """As the wrapped layer: the mask goes on with ``return_sequences``, else it ends here."""
        return mask if self.forward_layer.return_sequences else None

    def get_config(self):
        return {"name": self.name, "layer": self.forward_layer.get_config(), "merge_mode": self.merge_mode}
