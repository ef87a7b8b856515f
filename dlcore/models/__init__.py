"""Models: :class:`Sequential` (a stack of layers), :class:`Model` (subclass it, Keras-style, or call
``Model(inputs, outputs)`` for a functional model) and ``load_model``."""

from ..callbacks import History
from ..saving import load_model
from .functional import Functional, InputLayer
from .model import Model
from .sequential import Sequential

__all__ = ["Functional", "History", "InputLayer", "Model", "Sequential", "load_model"]
