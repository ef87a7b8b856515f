"""Small data sets for the course, all made or shipped locally (no downloads, ever).

Generators are deterministic given ``seed``; with ``seed=None`` they draw from
:func:`dlcore.random.get_rng` (fixed by :func:`dlcore.random.set_seed`).

- 2-D classification: :func:`xor`, :func:`make_moons`, :func:`make_circles`, :func:`make_spirals`.
- Sequences ``(batch, time, features)``: :func:`sine_sequences`, :func:`adding_problem`.
- Text: :func:`load_text` (Aesop's fables) and :func:`char_vocab`.
- Images: :func:`load_digits`, the 8x8 handwritten digits (UCI, CC BY 4.0).
"""

from .digits import load_digits
from .sequences import adding_problem, sine_sequences
from .synthetic import make_circles, make_moons, make_spirals, xor
from .text import char_vocab, load_text

__all__ = ["xor", "make_moons", "make_circles", "make_spirals", "sine_sequences", "adding_problem",
           "load_text", "char_vocab", "load_digits"]
