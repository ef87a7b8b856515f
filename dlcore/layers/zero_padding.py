"""``ZeroPadding2D``: a border of zeros around NHWC images (no parameters)."""

from __future__ import annotations

import numpy as np

from .base import Layer


class ZeroPadding2D(Layer):
    """Pad height and width with zeros: ``x (batch, H, W, C)`` → ``(batch, H + t + b, W + l + r, C)``.

    Parameters
    ----------
    padding : int, (int, int) or ((int, int), (int, int))
        ``p``: ``p`` on every side; ``(ph, pw)``: ``ph`` top and bottom, ``pw`` left and right;
        ``((t, b), (l, r))``: each side its own (Keras' three forms).
    """

    def __init__(self, padding=(1, 1), input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        self.padding = _pads(padding)

    def compute_output_shape(self, input_shape):
        (t, b), (left, r) = self.padding
        n, h, w, c = input_shape
        return (n, None if h is None else h + t + b, None if w is None else w + left + r, c)

    def forward(self, x, training=False):
        """``x (batch, H, W, C)`` → ``(batch, H + t + b, W + l + r, C)``."""
        x = self._prepare(x, ndim=4)
        self._cut = tuple(slice(before, before + size) for (before, _), size in zip(self.padding, x.shape[1:3]))
        return np.pad(x, ((0, 0), *self.padding, (0, 0)))

    def backward(self, dout):
        """``dout (batch, Ho, Wo, C)`` → ``dx (batch, H, W, C)``: the interior, the border's gradient dropped."""
        return np.array(np.asarray(dout)[:, self._cut[0], self._cut[1], :])

    def get_config(self):
        return {"name": self.name, "padding": self.padding}


def _pads(padding) -> tuple[tuple[int, int], tuple[int, int]]:
    """Keras' three padding forms → ``((top, bottom), (left, right))``."""
    def ok(v):
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0
    if ok(padding):
        return (int(padding),) * 2, (int(padding),) * 2
    pair = isinstance(padding, (tuple, list)) and len(padding) == 2
    if pair and all(ok(v) for v in padding):
        return (int(padding[0]),) * 2, (int(padding[1]),) * 2
    if pair and all(isinstance(p, (tuple, list)) and len(p) == 2 and all(ok(v) for v in p) for p in padding):
        return tuple(int(v) for v in padding[0]), tuple(int(v) for v in padding[1])
    raise ValueError(f"ZeroPadding2D: padding must be an int >= 0, a pair of them or a pair of pairs, got {padding!r}")
