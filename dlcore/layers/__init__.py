"""Layers: one short class per file, each a forward/backward pair (see :mod:`dlcore.layers.base`)."""

from .activation import Activation
from .base import Layer
from .dense import Dense
from .input import Input

__all__ = ["Activation", "Dense", "Input", "Layer"]
