"""Keras's ``keras.utils`` names that beginner programs use, so ``import dlcore as keras`` runs them.

Each is the dlcore function of the same job: ``set_random_seed`` is ``dlcore.set_seed``,
``to_categorical`` is ``dlcore.preprocessing.to_categorical``, ``pad_sequences`` is
``dlcore.sequences.pad_sequences``.
"""

from .preprocessing import to_categorical
from .random import set_seed as set_random_seed
from .sequences import pad_sequences

__all__ = ["pad_sequences", "set_random_seed", "to_categorical"]
