"""Models: :class:`Sequential` (a stack of layers) and :class:`Model` (subclass it, Keras-style)."""

from .history import History
from .model import Model
from .sequential import Sequential

__all__ = ["History", "Model", "Sequential"]
