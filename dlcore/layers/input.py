"""``Input``: declares the shape of one sample at the start of a ``Sequential`` (Keras 3 style)."""

from __future__ import annotations


class Input:
    """The input of a model: ``Sequential([Input(shape=(8,)), Dense(10), ...])``.

    Not a layer (it has no forward): it only tells the model the shape of one sample, so the
    model can be built and summarised before it sees data.

    Parameters
    ----------
    shape : tuple of int
        Shape of one sample, without the batch axis, e.g. ``(8,)`` or ``(28, 28, 1)``. ``None`` marks a
        free size, as in Keras: ``(None,)`` for id sequences of any length, ``(None, 3)`` for sequences
        of 3 features.
    """

    def __init__(self, shape: tuple[int, ...], name: str | None = None):
        if isinstance(shape, int):
            shape = (shape,)
        if not all(d is None or (isinstance(d, int) and d > 0) for d in shape):
            raise ValueError(f"Input: shape must be a tuple of positive ints or None (one sample, no batch axis), "
                             f"got {shape!r}")
        self.shape = tuple(shape)
        self.name = name or "input"

    def __repr__(self) -> str:
        return f"Input(shape={self.shape})"
